/**
 * The HTTP transport to the Okta org: Node's own http / https client with a keep-alive agent.
 * Why not @okta/okta-sdk-nodejs (measured, docs/benchmarks.md): importing it cost about 1 s of start-up and 80 MB of
 * resident memory, and about a fifth of the portal's CPU per recovery, for the 17 plain REST calls we make. Why not
 * undici or fetch: importing undici costs ≈100 ms and ≈18 MB, fetch's first use ≈40 ms and ≈9 MB, while node:http is
 * already loaded by Fastify. What the SDK did for us and this module does instead:
 * - one origin (the org URL): every path is built by the caller from encoded segments; absolute URLs (the push
 *   enrolment QR link) must be on the org's origin;
 * - no cache, no automatic retry (a retried challenge sends a second SMS), one abort signal per operation;
 * - Accept / Content-Type JSON, the portal's User-Agent (or the end user's, forwarded on challenges);
 * - Okta's error body read into OktaApiError (errorCode, errorSummary, errorCauses as an array or an object);
 * - answers capped in size (a hostile or broken answer cannot exhaust memory) and parsed as untrusted JSON.
 * Nothing here logs; errors never carry a URL query, header value or body text beyond Okta's error fields.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface OktaHttpOptions {
  /** Normalised org URL (no trailing slash). */
  orgUrl: string;
  /** Prefix of the User-Agent of the portal's own calls. */
  userAgent: string;
  /** HTTPS_PROXY: calls to an https org go through it (CONNECT tunnel, via https-proxy-agent, loaded only then). */
  proxyUrl?: string;
}

export interface OktaHttpRequest {
  method: HttpMethod;
  /** `/api/v1/...` built from encoded segments, or an absolute URL on the org's origin. */
  path: string;
  query?: Record<string, string>;
  /** JSON body; absent = an empty body (Content-Length: 0 on POST). */
  json?: unknown;
  /** Form body (the OAuth token request). */
  form?: URLSearchParams;
  headers?: Record<string, string>;
  /** Accept header; application/json unless told. */
  accept?: string;
  /** Bytes read at most (default 1 MiB); a longer answer is an error. */
  maxBytes?: number;
  signal: AbortSignal;
}

export interface OktaHttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** An Okta answer with a status of 400 or more, with the fields of Okta's error body when it had them. */
export class OktaApiError extends Error {
  override readonly name = 'OktaApiError';
  constructor(
    readonly status: number,
    readonly errorCode: string | undefined,
    readonly errorSummary: string | undefined,
    readonly errorCauses: unknown,
    readonly headers: IncomingHttpHeaders,
  ) {
    super(`Okta answered HTTP ${status}${errorCode === undefined ? '' : ` ${errorCode}`}`);
  }
}

/** No usable answer: aborted by the deadline, a network error, an oversized or unreadable body. */
export class OktaTransportError extends Error {
  override readonly name = 'OktaTransportError';
  constructor(
    /** invalid-request: the request could not be built (never sent; not Okta's doing). */
    readonly kind: 'aborted' | 'network' | 'too-large' | 'unreadable' | 'invalid-request',
    readonly code: string | undefined,
  ) {
    super(`Okta request failed: ${kind}${code === undefined ? '' : ` ${code}`}`);
  }
}

const DEFAULT_MAX_BYTES = 1024 * 1024;

export interface OktaHttp {
  /** Sends one request; any answer (whatever its status) resolves, transport failures reject. */
  send(req: OktaHttpRequest): Promise<OktaHttpResponse>;
  /** A 2xx JSON answer parsed (null for an empty body); a status >= 400 throws OktaApiError. */
  parse(res: OktaHttpResponse): unknown;
  close(): void;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Reads Okta's error body; anything that is not its JSON shape leaves the fields undefined (the status decides). */
export function apiErrorOf(res: OktaHttpResponse): OktaApiError {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(res.body.toString('utf8'));
    if (parsed !== null && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // an HTML page from a proxy, say
  }
  // OAuth endpoints answer RFC 6749 errors ({ error: "invalid_client", ... }) instead of Okta's errorCode.
  const oauthError = str(body.error);
  const code = str(body.errorCode) ?? (oauthError !== undefined && /^[a-z_]{1,64}$/.test(oauthError) ? oauthError : undefined);
  // An OAuth error's description stands in for the summary (errors.ts copies only okta.* scope names out of it).
  const summary = str(body.errorSummary) ?? (str(body.errorCode) === undefined ? str(body.error_description) : undefined);
  return new OktaApiError(res.status, code, summary, body.errorCauses, res.headers);
}

export function createOktaHttp(opts: OktaHttpOptions): OktaHttp {
  const origin = new URL(opts.orgUrl);
  const secure = origin.protocol === 'https:';
  // No socket cap here: the resilience layer (OKTA_MAX_CONCURRENCY) caps the calls in flight.
  const agentOptions = { keepAlive: true, scheduling: 'lifo' as const };
  let agent: HttpAgent = secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  // The proxy agent is built on first use (an import is asynchronous); until then requests wait for it.
  let proxied: Promise<void> | undefined =
    secure && opts.proxyUrl !== undefined
      ? import('https-proxy-agent').then(({ HttpsProxyAgent }) => {
          agent = new HttpsProxyAgent(opts.proxyUrl as string, agentOptions);
          proxied = undefined;
        })
      : undefined;
  const send = secure ? httpsRequest : httpRequest;
  const userAgent = `${opts.userAgent} node/${process.versions.node}`;

  function urlOf(req: OktaHttpRequest): URL {
    const url = new URL(req.path, origin);
    if (url.origin !== origin.origin) throw new OktaTransportError('invalid-request', 'ERR_FOREIGN_ORIGIN');
    if (req.query) for (const [k, v] of Object.entries(req.query)) url.searchParams.set(k, v);
    return url;
  }

  function request(req: OktaHttpRequest): Promise<OktaHttpResponse> {
    return new Promise((resolve, reject) => {
      if (req.signal.aborted) {
        reject(new OktaTransportError('aborted', undefined));
        return;
      }
      let url: URL;
      try {
        url = urlOf(req);
      } catch (err) {
        reject(err instanceof OktaTransportError ? err : new OktaTransportError('invalid-request', 'ERR_INVALID_URL'));
        return;
      }
      const payload =
        req.json !== undefined ? Buffer.from(JSON.stringify(req.json)) : req.form !== undefined ? Buffer.from(req.form.toString()) : undefined;
      const headers: Record<string, string> = {
        accept: req.accept ?? 'application/json',
        'user-agent': userAgent,
        ...req.headers,
      };
      if (payload !== undefined) headers['content-type'] = req.json !== undefined ? 'application/json' : 'application/x-www-form-urlencoded';
      if (req.method !== 'GET') headers['content-length'] = String(payload?.length ?? 0);
      const maxBytes = req.maxBytes ?? DEFAULT_MAX_BYTES;
      let settled = false;
      const fail = (err: OktaTransportError): void => {
        if (settled) return;
        settled = true;
        reject(err);
      };
      const onAbort = (): void => {
        fail(new OktaTransportError('aborted', undefined));
        outgoing.destroy();
      };
      const outgoing = send(url, { method: req.method, headers, agent }, (res: IncomingMessage) => {
        const declared = Number(res.headers['content-length'] ?? '0');
        if (declared > maxBytes) {
          fail(new OktaTransportError('too-large', undefined));
          res.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            fail(new OktaTransportError('too-large', undefined));
            res.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          req.signal.removeEventListener('abort', onAbort);
          if (settled) return;
          settled = true;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
        });
        res.on('error', (err: NodeJS.ErrnoException) => fail(new OktaTransportError('network', err.code ?? 'ECONNRESET')));
        // A connection closed before the whole body arrived.
        res.on('close', () => {
          if (!res.complete) fail(new OktaTransportError('network', 'ECONNRESET'));
        });
      });
      req.signal.addEventListener('abort', onAbort, { once: true });
      outgoing.on('error', (err: NodeJS.ErrnoException) => {
        req.signal.removeEventListener('abort', onAbort);
        fail(new OktaTransportError('network', err.code ?? 'ERR_REQUEST'));
      });
      outgoing.end(payload);
    });
  }

  return {
    send: (req) => (proxied === undefined ? request(req) : proxied.then(() => request(req))),
    parse(res) {
      if (res.status >= 400) throw apiErrorOf(res);
      if (res.body.length === 0) return null;
      try {
        return JSON.parse(res.body.toString('utf8')) as unknown;
      } catch {
        throw new OktaTransportError('unreadable', `HTTP ${res.status}`);
      }
    },
    close() {
      agent.destroy();
    },
  };
}
