// Test org for the Okta adapter tests: a seeded emulator, its control API, and an adapter pointed at it.
import { startEmulator, type SeedOrg } from '../../emulator/src/server.js';
import { createOktaIdentityProvider } from '../../src/okta/index.js';
import type { OktaLogEvent } from '../../src/okta/index.js';
import type { IdentityProvider, RequestContext } from '../../src/core/ports.js';

export const JANE = '00uJane00000000001';
export const LOCKED = '00uLocked000000001';
export const PASSWORD = 'Initial-Pass-1';
export const GOOGLE_SECRET = 'QFEJWYFO5KKZO4EGXY3AIMHP6LVPAYPE';

export const seed: SeedOrg = {
  apiTokenOwner: 'admin@example.com',
  factorLockoutAttempts: 5,
  users: [
    { id: '00uAdmin0000000001', login: 'admin@example.com', firstName: 'Ada', lastName: 'Admin', password: PASSWORD },
    {
      id: JANE,
      login: 'jane.doe@example.com',
      email: 'jane@example.org',
      firstName: 'Jane',
      lastName: 'Doe',
      password: PASSWORD,
      factors: [
        { id: 'smsJane01', type: 'sms', phoneNumber: '+15555550100' },
        { id: 'clfJane01', type: 'call', phoneNumber: '+15555550101' },
        { id: 'opfJane01', type: 'push', deviceName: "Jane's phone" },
        { id: 'ostJaneGoogle1', type: 'google-totp', secret: GOOGLE_SECRET },
        { id: 'ostJaneOkta01', type: 'okta-totp', secret: 'CWKHUMPYZ6H5ZJ6KBBC4PLNTSQ2FOT2I' },
        { id: 'emfJane01', type: 'email' },
      ],
    },
    { id: '00uTwinA000000001', login: 'twin.a@example.com', email: 'shared@example.net', firstName: 'T', lastName: 'A', password: PASSWORD },
    { id: '00uTwinB000000001', login: 'twin.b@example.com', email: 'shared@example.net', firstName: 'T', lastName: 'B', password: PASSWORD },
    { id: LOCKED, login: 'locked@example.com', firstName: 'Lou', lastName: 'Locked', status: 'LOCKED_OUT', password: PASSWORD },
  ],
};

export const ctx: RequestContext = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (test)', requestId: 'req-1' };

export interface Call {
  op: string;
  status: number | 'error';
  ms: number;
}

export interface TestOrg {
  url: string;
  apiToken: string;
  idp: IdentityProvider;
  calls: Call[];
  events: OktaLogEvent[];
  /** A second adapter on the same org with other options. */
  adapter(opts?: { timeoutMs?: number; orgUrl?: string; token?: string }): { idp: IdentityProvider; calls: Call[]; events: OktaLogEvent[] };
  control<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  requests(): Promise<{ method: string; path: string; query: Record<string, string>; status: number }[]>;
  close(): Promise<void>;
}

export async function startOrg(): Promise<TestOrg> {
  const emu = await startEmulator({ seed });
  const adapter: TestOrg['adapter'] = (opts = {}) => {
    const calls: Call[] = [];
    const events: OktaLogEvent[] = [];
    const idp = createOktaIdentityProvider({
      orgUrl: opts.orgUrl ?? emu.url,
      auth: { kind: 'ssws', token: opts.token ?? emu.apiToken },
      timeoutMs: opts.timeoutMs ?? 2000,
      userAgent: 'okta-mfa-portal-test',
      onCall: (op, status, ms) => calls.push({ op, status, ms }),
      logger: (ev) => events.push(ev),
    });
    return { idp, calls, events };
  };
  const main = adapter();
  async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${emu.url}/_emulator/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T;
    if (!res.ok) throw new Error(`control ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }
  return {
    url: emu.url,
    apiToken: emu.apiToken,
    ...main,
    adapter,
    control,
    requests: async () => (await control<{ requests: [] }>('GET', 'requests')).requests,
    close: () => emu.close(),
  };
}
