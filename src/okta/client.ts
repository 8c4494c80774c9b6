/**
 * The Okta client the adapters share: one HTTP transport (http.ts), the credentials, and `run`, which runs each
 * operation under a deadline. Rules (shared/docs/okta-api.md §4):
 * - Everything is passed explicitly (orgUrl, auth mode, token or key); nothing is read from okta.yaml or
 *   OKTA_CLIENT_* variables.
 * - No cache (Okta's answers about users and factors are always fresh) and no automatic retry: a retried challenge
 *   would send a second SMS, and a retry holds the request open.
 * - One deadline per operation (timeoutMs), covering the access-token request in OAuth mode: when it passes, the
 *   HTTP request is aborted and the caller gets IDP_UNAVAILABLE.
 * - Every HTTP request is reported to `onCall(op, status | 'error', ms)` (the token request as `oauthToken`).
 * - With `resilience` (resilience.ts), each operation is admitted by it first (rate-limit gate, circuit breaker,
 *   concurrency cap; waiting for a slot counts against the same deadline) and its outcome is reported back, with
 *   every answer's X-Rate-Limit-* headers (the rate-limit reserve for new flows).
 */
import { PortalError } from '../core/errors.js';
import { header, readOktaFailure, retryAfterFromHeaders, toPortalError, type OktaOp } from './errors.js';
import { createOktaHttp, OktaTransportError, type HttpMethod, type OktaHttpRequest, type OktaHttpResponse } from './http.js';
import { createTokenSource, type TokenSource } from './oauth.js';
import type { CallOutcome, OktaResilience, Permit, RateLimitObservation } from './resilience.js';

export type OktaAuthOptions =
  | { kind: 'ssws'; token: string }
  | { kind: 'private-key'; clientId: string; keyId: string; privateKeyPem: string; scopes: readonly string[] };

/** Operational events for the caller's logger. Never carries a secret, URL query or response body. */
export type OktaLogEvent =
  | { event: 'okta.call'; op: string; status: number | 'error'; ms: number }
  | { event: 'okta.error'; op: OktaOp; code: string; detail: string | undefined };

export interface OktaClientOptions {
  orgUrl: string;
  auth: OktaAuthOptions;
  timeoutMs: number;
  /** The User-Agent of the portal's own calls (challenges forward the end user's). */
  userAgent: string;
  /** Outbound proxy for an https org (HTTPS_PROXY). */
  proxyUrl?: string;
  logger?: (ev: OktaLogEvent) => void;
  onCall?: (op: string, status: number | 'error', ms: number) => void;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
  /** Rate-limit gate, circuit breaker and concurrency cap shared by every call (absent: none of them). */
  resilience?: OktaResilience;
}

/** What an operation may do: HTTP requests to the org, labelled with the operation and bound by its deadline. */
export interface OktaCall {
  /** A JSON request; resolves with the parsed 2xx answer (null when empty), rejects with OktaApiError on >= 400. */
  json(method: HttpMethod, path: string, opts?: { query?: Record<string, string>; body?: unknown; headers?: Record<string, string> }): Promise<unknown>;
  /** Any request; resolves with whatever Okta answered (for the QR image). */
  send(req: Omit<OktaHttpRequest, 'signal'>): Promise<OktaHttpResponse>;
}

export interface OktaRunner {
  /**
   * Runs one operation: labels its HTTP calls, bounds it by the deadline, maps errors to PortalError.
   * `ifNotFound` turns an Okta 404 into a value instead of an error.
   */
  run<T>(op: OktaOp, fn: (call: OktaCall) => Promise<T>, opts?: { ifNotFound?: () => T }): Promise<T>;
  /** Throws RATE_LIMITED when a bucket a recovery needs is down to its reserve (see resilience.ts); else nothing. */
  admitNewFlow(): void;
  now: () => number;
  orgUrl: string;
}

export function normaliseOrgUrl(orgUrl: string): string {
  return orgUrl.trim().replace(/\/+$/, '');
}

// An unpaired UTF-16 surrogate (the u flag makes \p{Cs} match only those): encodeURIComponent throws on it.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Path segment: Okta ids, logins and transaction ids are always sent encoded. A string that cannot be encoded (a
 * lone surrogate; the HTTP layer refuses those already) is the caller's BAD_REQUEST, never an Okta failure.
 */
export function seg(value: string): string {
  if (LONE_SURROGATE.test(value)) throw new PortalError('BAD_REQUEST', { detail: 'okta path segment is not well-formed Unicode' });
  return encodeURIComponent(value);
}

export function createOktaRunner(opts: OktaClientOptions): OktaRunner {
  if (!Number.isInteger(opts.timeoutMs) || opts.timeoutMs <= 0) throw new Error('timeoutMs must be a positive integer');
  const now = opts.now ?? Date.now;
  const orgUrl = normaliseOrgUrl(opts.orgUrl);
  const http = createOktaHttp({ orgUrl, userAgent: opts.userAgent, ...(opts.proxyUrl === undefined ? {} : { proxyUrl: opts.proxyUrl }) });
  const auth = opts.auth;
  const tokens: TokenSource | undefined = auth.kind === 'private-key' ? createTokenSource(http, orgUrl, auth, now) : undefined;
  const ssws = auth.kind === 'ssws' ? `SSWS ${auth.token}` : '';
  const report = (op: string, status: number | 'error', ms: number): void => {
    opts.onCall?.(op, status, ms);
    opts.logger?.({ event: 'okta.call', op, status, ms });
  };

  function callFor(op: OktaOp, signal: AbortSignal): OktaCall {
    async function send(req: Omit<OktaHttpRequest, 'signal'>): Promise<OktaHttpResponse> {
      const token = tokens ? await tokens.get(signal, (status, ms) => report('oauthToken', status, ms)) : undefined;
      const authorization = token === undefined ? ssws : `Bearer ${token}`;
      const started = performance.now();
      try {
        const res = await http.send({ ...req, headers: { ...req.headers, authorization }, signal });
        report(op, res.status, Math.round(performance.now() - started));
        const seen = rateLimitOf(res.headers, now());
        if (seen !== null) opts.resilience?.observeRateLimit(op, seen);
        if (res.status === 401 && token !== undefined) tokens?.invalidate(token);
        return res;
      } catch (err) {
        report(op, 'error', Math.round(performance.now() - started));
        throw err;
      }
    }
    return {
      send,
      async json(method, path, o = {}) {
        const res = await send({
          method,
          path,
          ...(o.query ? { query: o.query } : {}),
          ...(o.body !== undefined ? { json: o.body } : {}),
          ...(o.headers ? { headers: o.headers } : {}),
        });
        return http.parse(res);
      },
    };
  }

  async function run<T>(op: OktaOp, fn: (call: OktaCall) => Promise<T>, runOpts: { ifNotFound?: () => T } = {}): Promise<T> {
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        reject(new PortalError('IDP_UNAVAILABLE', { detail: `okta ${op}: no answer within ${opts.timeoutMs} ms` }));
        abort.abort();
      }, opts.timeoutMs);
    });
    deadline.catch(() => undefined); // observed by the race below, or by nobody once the call has ended
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
      const call = fn(callFor(op, abort.signal));
      if (permit) {
        // The slot stays taken until the request has really ended (the abort at the deadline ends it).
        const held = permit;
        call.then(held.release, held.release);
      }
      const result = await Promise.race([call, deadline]);
      permit?.record({ kind: 'answered' });
      return result;
    } catch (err) {
      if (err instanceof Refused) throw err.error; // not sent: already mapped and logged
      permit?.record(timedOut ? { kind: 'failed' } : outcomeOf(err, now()));
      if (runOpts.ifNotFound !== undefined && readOktaFailure(err)?.status === 404) return runOpts.ifNotFound();
      const mapped = toPortalError(op, err, now());
      opts.logger?.({ event: 'okta.error', op, code: mapped.code, detail: mapped.detail });
      throw mapped;
    } finally {
      clearTimeout(timer);
    }
  }

  function admitNewFlow(): void {
    try {
      opts.resilience?.admitNewFlow();
    } catch (err) {
      const refused = toPortalError('listUsers', err, now());
      opts.logger?.({ event: 'okta.error', op: 'listUsers', code: refused.code, detail: refused.detail });
      throw refused;
    }
  }

  return { run, admitNewFlow, now, orgUrl };
}

/** X-Rate-Limit-Limit / -Remaining / -Reset of an answer (each once, as integers), or null. */
export function rateLimitOf(headers: unknown, nowMs: number): RateLimitObservation | null {
  const num = (name: string): number | undefined => {
    const v = header(headers, name)?.trim();
    return v !== undefined && /^\d{1,12}$/.test(v) ? Number(v) : undefined;
  };
  const limit = num('x-rate-limit-limit');
  const remaining = num('x-rate-limit-remaining');
  const reset = num('x-rate-limit-reset');
  if (limit === undefined || remaining === undefined || reset === undefined) return null;
  const dateMs = Date.parse(header(headers, 'date') ?? '');
  const base = Number.isFinite(dateMs) ? dateMs : nowMs;
  return { limit, remaining, resetInMs: Math.min(Math.max(reset * 1000 - base, 0), 3600_000) };
}

/** A call the resilience layer did not let through (carries the PortalError to throw). */
class Refused {
  constructor(readonly error: PortalError) {}
}

/**
 * What a failed call tells the breaker and the gate. Only Okta's own outcomes count: a transport failure (network
 * error, connection reset, an oversized or unreadable answer) or a 5xx is a failure (so is our deadline, which
 * run() records itself); a 429 whose X-Rate-Limit-Remaining is 0 spent the bucket until X-Rate-Limit-Reset; any
 * other answer shows Okta is alive (wrong codes, policy refusals, 404 ...). Anything else was thrown by the portal
 * itself (a request that could not be built, a bug in a mapper): it says nothing about Okta and must not let a
 * client's input open the circuit, so it is reported as not sent.
 */
export function outcomeOf(err: unknown, nowMs: number): CallOutcome {
  if (err instanceof OktaTransportError) return err.kind === 'invalid-request' ? { kind: 'not-sent' } : { kind: 'failed' };
  const f = readOktaFailure(err);
  if (f === null) return { kind: 'not-sent' };
  if (f.status >= 500) return { kind: 'failed' };
  if (f.status === 429 && header(f.headers, 'x-rate-limit-remaining')?.trim() === '0') {
    const retryAfterSeconds = retryAfterFromHeaders(f.headers, nowMs);
    if (retryAfterSeconds !== undefined) return { kind: 'rate-limited', retryAfterSeconds };
  }
  return { kind: 'answered' };
}
