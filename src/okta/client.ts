/**
 * Builds the Okta SDK client the way this portal needs it, and runs each operation under a deadline.
 * Rules (shared/docs/okta-api.md §4):
 * - Everything is passed explicitly (orgUrl, auth mode, token or key); explicit values override what the SDK
 *   would read from okta.yaml or OKTA_CLIENT_* variables.
 * - orgUrl without a trailing slash (the SDK would otherwise request `//api/v1/...`).
 * - cacheMiddleware: null (the default cache serves stale users).
 * - maxRetries: 0 everywhere: a retried challenge would send a second SMS, and a retry holds the request open.
 * - requestTimeout = timeoutMs per HTTP request (measured: node-fetch aborts both a slow response and a stalled
 *   body), plus an overall deadline per operation, because OAuth mode may first fetch an access token.
 * - Every HTTP request is reported to `onCall(op, status | 'error', ms)` (the token request as `oauthToken`).
 * - With `resilience` (resilience.ts), each operation is admitted by it first (rate-limit gate, circuit breaker,
 *   concurrency cap; waiting for a slot counts against the same deadline) and its outcome is reported back.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Client, DefaultRequestExecutor } from '@okta/okta-sdk-nodejs';
import { PortalError } from '../core/errors.js';
import { header, readOktaFailure, retryAfterFromHeaders, toPortalError, type OktaOp } from './errors.js';
import type { CallOutcome, OktaResilience, Permit } from './resilience.js';

export type OktaAuthOptions =
  | { kind: 'ssws'; token: string }
  | { kind: 'private-key'; clientId: string; keyId: string; privateKeyPem: string; scopes: string[] };

/** Operational events for the caller's logger. Never carries a secret, URL query or response body. */
export type OktaLogEvent =
  | { event: 'okta.call'; op: string; status: number | 'error'; ms: number }
  | { event: 'okta.error'; op: OktaOp; code: string; detail: string | undefined };

export interface OktaClientOptions {
  orgUrl: string;
  auth: OktaAuthOptions;
  timeoutMs: number;
  /** Prepended to the SDK's own User-Agent for the portal's own calls (push calls forward the user's). */
  userAgent: string;
  logger?: (ev: OktaLogEvent) => void;
  onCall?: (op: string, status: number | 'error', ms: number) => void;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
  /** Rate-limit gate, circuit breaker and concurrency cap shared by every call (absent: none of them). */
  resilience?: OktaResilience;
}

export interface OktaRunner {
  client: Client;
  /**
   * Runs one operation: labels its HTTP calls, bounds it by the deadline, maps errors to PortalError.
   * `ifNotFound` turns an Okta 404 into a value instead of an error.
   */
  run<T>(op: OktaOp, fn: (client: Client) => Promise<T>, opts?: { ifNotFound?: () => T }): Promise<T>;
  now: () => number;
}

/** Request shape the SDK hands its executor (node-fetch options plus url). */
interface ExecutorRequest {
  url: string;
  method?: string;
}

export function normaliseOrgUrl(orgUrl: string): string {
  return orgUrl.trim().replace(/\/+$/, '');
}

export function createOktaRunner(opts: OktaClientOptions): OktaRunner {
  if (!Number.isInteger(opts.timeoutMs) || opts.timeoutMs <= 0) throw new Error('timeoutMs must be a positive integer');
  const now = opts.now ?? Date.now;
  const orgUrl = normaliseOrgUrl(opts.orgUrl);
  const context = new AsyncLocalStorage<{ op: OktaOp }>();
  const report = (op: string, status: number | 'error', ms: number): void => {
    opts.onCall?.(op, status, ms);
    opts.logger?.({ event: 'okta.call', op, status, ms });
  };

  /** Labels and times every HTTP request; hand-written because the SDK only offers untyped events. */
  class MeasuredExecutor extends DefaultRequestExecutor {
    override fetch(request: ExecutorRequest): ReturnType<DefaultRequestExecutor['fetch']> {
      const op = request.url.endsWith('/oauth2/v1/token') ? 'oauthToken' : (context.getStore()?.op ?? 'unknown');
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      return super.fetch(request as never).then(
        (res) => {
          report(op, (res as { status: number }).status, elapsed());
          return res;
        },
        (err: unknown) => {
          report(op, 'error', elapsed());
          throw err;
        },
      );
    }
  }

  const executor = new MeasuredExecutor({ maxRetries: 0, requestTimeout: opts.timeoutMs });
  const base = { orgUrl, cacheMiddleware: null, requestExecutor: executor, userAgent: opts.userAgent };
  const config =
    opts.auth.kind === 'ssws'
      ? { ...base, authorizationMode: 'SSWS', token: opts.auth.token }
      : {
          ...base,
          authorizationMode: 'PrivateKey',
          clientId: opts.auth.clientId,
          keyId: opts.auth.keyId,
          privateKey: opts.auth.privateKeyPem,
          scopes: opts.auth.scopes,
        };
  const client = new Client(config);

  async function run<T>(op: OktaOp, fn: (c: Client) => Promise<T>, runOpts: { ifNotFound?: () => T } = {}): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PortalError('IDP_UNAVAILABLE', { detail: `okta ${op}: no answer within ${opts.timeoutMs} ms` })),
        opts.timeoutMs,
      );
    });
    let permit: Permit | undefined;
    try {
      if (opts.resilience) {
        try {
          // A slot that frees up with less than a quarter of the deadline left is not used (see resilience.ts).
          permit = await opts.resilience.enter(op, deadline, performance.now() + opts.timeoutMs * 0.75);
        } catch (err) {
          const refused = toPortalError(op, err, now());
          opts.logger?.({ event: 'okta.error', op, code: refused.code, detail: refused.detail });
          throw new Refused(refused);
        }
      }
      const call = context.run({ op }, () => fn(client));
      if (permit) {
        // The slot stays taken until the SDK's request has ended, even when the deadline gave up on it first.
        const held = permit;
        call.then(held.release, held.release);
      }
      const result = await Promise.race([call, deadline]);
      permit?.record({ kind: 'answered' });
      return result;
    } catch (err) {
      if (err instanceof Refused) throw err.error; // not sent: already mapped and logged
      permit?.record(outcomeOf(err, now()));
      if (runOpts.ifNotFound !== undefined && readOktaFailure(err)?.status === 404) return runOpts.ifNotFound();
      const mapped = toPortalError(op, err, now());
      opts.logger?.({ event: 'okta.error', op, code: mapped.code, detail: mapped.detail });
      throw mapped;
    } finally {
      clearTimeout(timer);
    }
  }

  return { client, run, now };
}

/** A call the resilience layer did not let through (carries the PortalError to throw). */
class Refused {
  constructor(readonly error: PortalError) {}
}

/**
 * What a failed call tells the breaker and the gate: no HTTP answer (our deadline, network) or a 5xx is a failure;
 * a 429 whose X-Rate-Limit-Remaining is 0 spent the bucket until X-Rate-Limit-Reset; any other answer shows Okta
 * is alive (wrong codes, policy refusals, 404 ...).
 */
export function outcomeOf(err: unknown, nowMs: number): CallOutcome {
  const f = readOktaFailure(err);
  if (f === null || f.status >= 500) return { kind: 'failed' };
  if (f.status === 429 && header(f.headers, 'x-rate-limit-remaining')?.trim() === '0') {
    const retryAfterSeconds = retryAfterFromHeaders(f.headers, nowMs);
    if (retryAfterSeconds !== undefined) return { kind: 'rate-limited', retryAfterSeconds };
  }
  return { kind: 'answered' };
}
