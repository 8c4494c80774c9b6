// Test harness around the Okta org emulator: start one per test file on port 0, drive it through Okta's official
// Node SDK, read its control API, and check that every response the SDK received conforms to Okta's OpenAPI spec.
// Rules:
// - The SDK is configured explicitly (orgUrl, token, SSWS, no cache, no retries unless asked): it would otherwise
//   also read okta.yaml / OKTA_CLIENT_* implicitly, and its default cache serves stale users.
// - Every raw response the SDK receives is recorded by RecordingRequestExecutor (before the SDK turns the body into
//   model objects), so `assertSdkConformance()` validates the exact wire bodies against the spec.
// - Raw HTTP (bad input, headers, /api/v1/authn) goes through `okta()` with plain fetch and an SSWS header.
// - Only 127.0.0.1 is ever contacted. Codes and tokens are never logged.
import assert from 'node:assert/strict';
import { Client, DefaultRequestExecutor, OktaApiError } from '@okta/okta-sdk-nodejs';
import { startEmulator, type SeedOrg } from '../../emulator/src/server.js';
import { validateResponse } from './openapi.js';

// ---------------------------------------------------------------------------------------------------------------
// Seed: the emulator's own org fixture type (emulator/src/seed/schema.ts, documented in emulator/README.md)

export type Seed = SeedOrg;
export type SeedUser = NonNullable<SeedOrg['users']>[number];

// ---------------------------------------------------------------------------------------------------------------
// Recording SDK executor

export interface RecordedResponse {
  method: string;
  url: string;
  path: string;
  status: number;
  /** Parsed JSON body, or the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  requestHeaders: Record<string, string>;
  headers: Record<string, string>;
}

/** A DefaultRequestExecutor that keeps every raw response (each retry attempt too). */
export class RecordingRequestExecutor extends DefaultRequestExecutor {
  readonly responses: RecordedResponse[] = [];
  private readonly pending: Promise<void>[] = [];

  constructor(maxRetries = 0) {
    super({ maxRetries, requestTimeout: 0 });
  }

  // Called by DefaultRequestExecutor for every attempt with the request and the raw node-fetch response.
  override parseResponse(request: Parameters<DefaultRequestExecutor['parseResponse']>[0], response: Parameters<DefaultRequestExecutor['parseResponse']>[1]) {
    // node-fetch's types are not installed (the SDK's .d.ts import them), so describe what is read here.
    const req = request as { url?: string; method?: string; headers?: Record<string, unknown> };
    const clone = response.clone(); // read concurrently with the SDK's own read (node-fetch tee)
    const url = String(req.url ?? response.url);
    const headers: Record<string, string> = {};
    response.headers.forEach((v: string, k: string) => (headers[k] = v));
    const requestHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers ?? {})) {
      if (k.toLowerCase() !== 'authorization') requestHeaders[k.toLowerCase()] = String(v);
    }
    // Recorded in arrival order at once; the body is filled in when read (await settle() / last() before use).
    const entry: RecordedResponse = {
      method: String(req.method ?? 'GET').toUpperCase(),
      url,
      path: new URL(url).pathname,
      status: response.status as number,
      body: undefined,
      requestHeaders,
      headers,
    };
    this.responses.push(entry);
    this.pending.push(
      (clone.text() as Promise<string>).then((text) => {
        entry.body = text === '' ? undefined : text;
        try {
          if (text !== '') entry.body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
      }),
    );
    return super.parseResponse(request, response);
  }

  /** Waits until every body read so far has been recorded. */
  async settle(): Promise<void> {
    await Promise.all(this.pending);
  }

  /** The newest recorded response (optionally the newest matching `filter`), with its body read. */
  async last(filter: (r: RecordedResponse) => boolean = () => true): Promise<RecordedResponse> {
    await this.settle();
    const hit = this.responses.findLast(filter);
    assert.ok(hit, 'no matching SDK response recorded');
    return hit;
  }
}

export interface SdkClientOptions {
  orgUrl?: string;
  token?: string;
  maxRetries?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Control API types (emulator/README.md)

export interface OutboxMessage {
  id: string;
  channel: 'sms' | 'call' | 'email' | string;
  to: string;
  text: string;
  code: string;
  userId: string;
  login: string;
  factorId: string;
  sentAt: string;
}
export interface PendingPush {
  transactionId: string;
  userId: string;
  login: string;
  factorId: string;
  createdAt: string;
  expiresAt: string;
  numberChoices?: number[];
}
export interface LoggedRequest {
  method: string;
  path: string;
  query?: string | Record<string, unknown>;
  status: number;
  at: string;
  headers?: Record<string, string>;
}
export interface FaultSpec {
  path: string;
  method?: string;
  latencyMs?: number;
  status?: number;
  rateLimitResetSeconds?: number;
  drop?: 'before' | 'after';
  count?: number;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  body: unknown;
}

export interface OktaRequestOptions {
  /** JSON-serialised into the body (with Content-Type: application/json). */
  json?: unknown;
  /** Sent as-is (set Content-Type yourself in headers). */
  raw?: string | Buffer;
  headers?: Record<string, string>;
  /** Token to send; null sends no Authorization header; default is the emulator's token. */
  token?: string | null;
}

export class ControlApi {
  constructor(private readonly base: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}/_emulator/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`control API ${method} /_emulator/${path} → ${res.status}: ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async outbox(): Promise<OutboxMessage[]> {
    return (await this.call<{ messages: OutboxMessage[] }>('GET', 'outbox')).messages;
  }
  /** The newest message sent for a factor (fails the test if there is none). */
  async lastMessage(factorId: string): Promise<OutboxMessage> {
    const mine = (await this.outbox()).filter((m) => m.factorId === factorId);
    const last = mine[mine.length - 1];
    assert.ok(last, `no outbox message for factor ${factorId}`);
    return last;
  }
  async pushes(): Promise<PendingPush[]> {
    return (await this.call<{ pushes: PendingPush[] }>('GET', 'push')).pushes;
  }
  approvePush(transactionId: string, answer?: number): Promise<unknown> {
    return this.call('POST', `push/${encodeURIComponent(transactionId)}/approve`, answer === undefined ? {} : { answer });
  }
  rejectPush(transactionId: string): Promise<unknown> {
    return this.call('POST', `push/${encodeURIComponent(transactionId)}/reject`, {});
  }
  activateFactor(factorId: string): Promise<unknown> {
    return this.call('POST', `factors/${encodeURIComponent(factorId)}/activate`, {});
  }
  totpCode(factorId: string): Promise<{ code: string; step: number; secondsRemaining: number }> {
    return this.call('GET', `factors/${encodeURIComponent(factorId)}/code`);
  }
  users(): Promise<unknown> {
    return this.call('GET', 'users');
  }
  clock(): Promise<Record<string, unknown>> {
    return this.call('GET', 'clock');
  }
  /** The emulator's virtual time in epoch milliseconds. */
  async nowMs(): Promise<number> {
    const c = await this.clock();
    for (const k of ['epochMs', 'nowMs', 'now']) {
      const v = c[k];
      if (typeof v === 'number') return v;
      if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return Date.parse(v);
    }
    throw new Error(`unexpected GET /_emulator/clock answer: ${JSON.stringify(c)}`);
  }
  advance(seconds: number): Promise<Record<string, unknown>> {
    return this.call('POST', 'clock', { advanceSeconds: seconds });
  }
  async requests(): Promise<LoggedRequest[]> {
    return (await this.call<{ requests: LoggedRequest[] }>('GET', 'requests')).requests;
  }
  clearRequests(): Promise<unknown> {
    return this.call('DELETE', 'requests');
  }
  addFault(fault: FaultSpec): Promise<unknown> {
    return this.call('POST', 'faults', fault);
  }
  clearFaults(): Promise<unknown> {
    return this.call('DELETE', 'faults');
  }
  reset(): Promise<unknown> {
    return this.call('POST', 'reset', {});
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The per-file emulator

export interface TestEmulator {
  url: string;
  apiToken: string;
  phoneUrl: string;
  control: ControlApi;
  /** SDK client with no retries, recording every response. */
  client: Client;
  recorder: RecordingRequestExecutor;
  /** Another SDK client (e.g. with retries, or a trailing-slash orgUrl), also recording. */
  newClient(opts?: SdkClientOptions): { client: Client; recorder: RecordingRequestExecutor };
  /** Plain fetch against an Okta path (starting with '/'), with the SSWS header unless told otherwise. */
  okta(method: string, path: string, opts?: OktaRequestOptions): Promise<RawResponse>;
  /** Validates every SDK response recorded since the last call against the OpenAPI spec; fails on any error. */
  assertSdkConformance(): Promise<void>;
  close(): Promise<void>;
}

export function sdkClient(opts: Required<Pick<SdkClientOptions, 'orgUrl' | 'token'>> & SdkClientOptions) {
  const recorder = new RecordingRequestExecutor(opts.maxRetries ?? 0);
  const client = new Client({
    orgUrl: opts.orgUrl,
    token: opts.token,
    authorizationMode: 'SSWS',
    cacheMiddleware: null,
    requestExecutor: recorder,
  });
  return { client, recorder };
}

export async function startTestEmulator(opts: { seed?: Seed; startTime?: number } = {}): Promise<TestEmulator> {
  const emu = await startEmulator({ port: 0, ...(opts.seed ? { seed: opts.seed } : {}), ...(opts.startTime !== undefined ? { startTime: opts.startTime } : {}) });
  const recorders: RecordingRequestExecutor[] = [];
  const checked = new WeakMap<RecordingRequestExecutor, number>();
  const newClient = (o: SdkClientOptions = {}) => {
    const made = sdkClient({ orgUrl: o.orgUrl ?? emu.url, token: o.token ?? emu.apiToken, maxRetries: o.maxRetries ?? 0 });
    recorders.push(made.recorder);
    return made;
  };
  const main = newClient();
  return {
    url: emu.url,
    apiToken: emu.apiToken,
    phoneUrl: emu.phoneUrl,
    control: new ControlApi(emu.url),
    client: main.client,
    recorder: main.recorder,
    newClient,
    async okta(method, path, o = {}) {
      const headers: Record<string, string> = { accept: 'application/json', ...(o.headers ?? {}) };
      const token = o.token === undefined ? emu.apiToken : o.token;
      if (token !== null) headers.authorization = `SSWS ${token}`;
      let body: string | Buffer | undefined = o.raw;
      if (o.json !== undefined) {
        body = JSON.stringify(o.json);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(emu.url + path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, text, body: parsed };
    },
    async assertSdkConformance() {
      const problems: string[] = [];
      for (const rec of recorders) {
        await rec.settle();
        const from = checked.get(rec) ?? 0;
        for (const r of rec.responses.slice(from)) {
          for (const e of validateResponse(r.method, r.path, r.status, r.body)) problems.push(`${r.method} ${r.path} → ${e}`);
        }
        checked.set(rec, rec.responses.length);
      }
      assert.deepEqual(problems, [], 'SDK responses must validate against the OpenAPI spec');
    },
    close: () => emu.close(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Small assertions shared by the suites

/** Awaits `p`, expecting an OktaApiError with the given status and code; returns it. */
export async function expectOktaError(p: Promise<unknown>, status: number, errorCode: string): Promise<OktaApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof OktaApiError, `expected OktaApiError, got ${String(e)}`);
    assert.equal(e.status, status, `status (errorCode ${String(e.errorCode)})`);
    assert.equal(e.errorCode, errorCode);
    return e;
  }
  assert.fail(`expected ${status} ${errorCode}, but the call succeeded`);
}

/** Asserts the headers Okta puts on every response: X-Rate-Limit-Limit/Remaining/Reset, Date, X-Okta-Request-Id. */
export function assertOktaHeaders(res: RawResponse, label: string): void {
  const h = res.headers;
  for (const name of ['x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-reset']) {
    assert.match(h.get(name) ?? '', /^\d+$/, `${label}: ${name}`);
  }
  assert.ok(Number(h.get('x-rate-limit-remaining')) <= Number(h.get('x-rate-limit-limit')), `${label}: remaining <= limit`);
  assert.ok(!Number.isNaN(Date.parse(h.get('date') ?? '')), `${label}: Date`);
  assert.ok((h.get('x-okta-request-id') ?? '').length >= 8, `${label}: X-Okta-Request-Id`);
  // Reset is epoch seconds, not before the response's Date
  assert.ok(Number(h.get('x-rate-limit-reset')) * 1000 >= Date.parse(h.get('date')!) - 1000, `${label}: reset not before Date`);
}

/** Asserts the Okta error envelope (and Okta's headers) on a raw response. */
export function assertOktaErrorShape(res: RawResponse, status: number, errorCode?: string): void {
  assert.equal(res.status, status, `status; body: ${res.text.slice(0, 200)}`);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const b = res.body as Record<string, unknown>;
  const shown = res.text.slice(0, 200);
  assert.ok(b && typeof b === 'object', `JSON error body: ${shown}`);
  if (errorCode) assert.equal(b.errorCode, errorCode, shown);
  assert.equal(typeof b.errorCode, 'string', `Okta error envelope expected: ${shown}`);
  assert.equal(typeof b.errorSummary, 'string');
  assert.equal(b.errorLink, b.errorCode);
  assert.equal(typeof b.errorId, 'string');
  assert.ok(Array.isArray(b.errorCauses), 'errorCauses is an array');
  assertOktaHeaders(res, `${status} ${String(b.errorCode)}`);
}

/** The transaction id at the end of a push poll link (…/factors/{fid}/transactions/{txId}). */
export function transactionIdFromPollHref(href: string): string {
  const m = /\/transactions\/([^/?#]+)$/.exec(new URL(href).pathname);
  assert.ok(m?.[1], `poll href has no transaction id: ${href}`);
  return decodeURIComponent(m[1]);
}

/** Collects an SDK Collection into an array. */
export async function collect<T>(col: AsyncIterable<T | null> | { [Symbol.asyncIterator](): { next(): Promise<{ done: boolean; value: T | null }> } }): Promise<T[]> {
  const out: T[] = [];
  for await (const item of col as AsyncIterable<T | null>) if (item !== null) out.push(item);
  return out;
}
