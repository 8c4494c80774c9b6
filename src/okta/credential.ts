/**
 * Is the Okta credential accepted? One harmless read (GET /api/v1/users?limit=1, which the portal's okta.users.read
 * permission allows; in OAuth mode after the token request) tells an accepted credential from a refused one.
 * - checkOktaCredential: one check (the check-config command, and the monitor below).
 * - createCredentialMonitor: the cached answer readiness reports. It checks at start, then every `intervalMs`
 *   (sooner, every `retryMs`, while refused or unknown), and again soon after a live call is answered 401; a probe
 *   never causes an Okta call.
 * Results carry only a status and Okta's error code: never the token, a key or a response body.
 */
import { apiErrorOf, createOktaHttp, OktaApiError } from './http.js';
import { createTokenSource } from './oauth.js';
import type { OktaAuthOptions } from './client.js';

export type CredentialResult =
  | { state: 'accepted' }
  /** Okta refused the credential: 401/403 on the API call, or the token request refused in OAuth mode. */
  | { state: 'refused'; status: number; code: string | undefined }
  /** No verdict (network error, timeout, 5xx, 429): readiness does not fail on this; the breaker covers outages. */
  | { state: 'unknown'; reason: string };

export interface CredentialCheckOptions {
  orgUrl: string;
  auth: OktaAuthOptions;
  timeoutMs: number;
  userAgent: string;
  proxyUrl?: string;
}

export async function checkOktaCredential(opts: CredentialCheckOptions): Promise<CredentialResult> {
  const orgUrl = opts.orgUrl.replace(/\/+$/, '');
  const http = createOktaHttp({ orgUrl, userAgent: opts.userAgent, ...(opts.proxyUrl === undefined ? {} : { proxyUrl: opts.proxyUrl }) });
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), opts.timeoutMs);
  try {
    let authorization: string;
    if (opts.auth.kind === 'ssws') {
      authorization = `SSWS ${opts.auth.token}`;
    } else {
      const tokens = createTokenSource(http, orgUrl, opts.auth, Date.now);
      try {
        authorization = `Bearer ${await tokens.get(abort.signal, () => undefined)}`;
      } catch (err) {
        if (err instanceof OktaApiError && err.status >= 400 && err.status < 500 && err.status !== 429) {
          return { state: 'refused', status: err.status, code: err.errorCode };
        }
        return { state: 'unknown', reason: reasonOf(err) };
      }
    }
    const res = await http.send({ method: 'GET', path: '/api/v1/users', query: { limit: '1' }, headers: { authorization }, signal: abort.signal });
    if (res.status >= 200 && res.status < 300) return { state: 'accepted' };
    if (res.status === 401 || res.status === 403) return { state: 'refused', status: res.status, code: apiErrorOf(res).errorCode };
    return { state: 'unknown', reason: `HTTP ${res.status}` };
  } catch (err) {
    return { state: 'unknown', reason: reasonOf(err) };
  } finally {
    clearTimeout(timer);
    http.close();
  }
}

function reasonOf(err: unknown): string {
  if (err instanceof OktaApiError) return `HTTP ${err.status}${err.errorCode === undefined ? '' : ` ${err.errorCode}`}`;
  return err instanceof Error ? err.message.split('\n')[0]!.slice(0, 120) : 'unknown error';
}

/** A human sentence for a refused credential (check-config, logs). */
export function describeRefusal(r: Extract<CredentialResult, { state: 'refused' }>, auth: OktaAuthOptions['kind']): string {
  const what = auth === 'ssws' ? 'OKTA_API_TOKEN' : 'the OAuth service app (OKTA_CLIENT_ID, OKTA_KEY_ID, OKTA_PRIVATE_KEY_FILE, OKTA_SCOPES)';
  const code = r.code === undefined ? '' : ` ${r.code}`;
  if (r.status === 403) return `Okta refused ${what}: HTTP 403${code} (the credential lacks a permission or scope, e.g. okta.users.read)`;
  return `Okta refused ${what}: HTTP ${r.status}${code} (wrong, revoked or expired credential)`;
}

export interface CredentialMonitor {
  /** The last result ('unchecked' before the first one). */
  state(): CredentialResult | { state: 'unchecked' };
  /** A live call was answered 401: check again soon (at most once per `retryMs`). */
  suspect(): void;
  stop(): void;
}

export function createCredentialMonitor(opts: {
  check: () => Promise<CredentialResult>;
  intervalMs: number;
  retryMs: number;
  now?: () => number;
  onResult?: (r: CredentialResult, previous: CredentialResult | { state: 'unchecked' }) => void;
}): CredentialMonitor {
  const now = opts.now ?? Date.now;
  let last: CredentialResult | { state: 'unchecked' } = { state: 'unchecked' };
  let lastAt = -Infinity;
  let running = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const schedule = (ms: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(run, ms);
    timer.unref();
  };
  async function run(): Promise<void> {
    if (running || stopped) return;
    running = true;
    try {
      const r = await opts.check();
      const previous = last;
      last = r;
      lastAt = now();
      opts.onResult?.(r, previous);
    } finally {
      running = false;
      schedule(last.state === 'accepted' ? opts.intervalMs : opts.retryMs);
    }
  }
  schedule(0);
  return {
    state: () => last,
    suspect() {
      if (!running && now() - lastAt >= opts.retryMs) schedule(0);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
