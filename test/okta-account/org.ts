// Test org for the account adapter tests: a seeded emulator, its control API, and the account adapter on it.
import { startEmulator, type SeedOrg } from '../../emulator/src/server.js';
import { createOktaAccountIdentityProvider } from '../../src/okta/index.js';
import type { AccountIdentityProvider } from '../../src/core/ports.js';
import { totp } from '../helpers/totp.js';

export const ANN = '00uAnnNoFactors0001';
export const BOB = '00uBobWithTotp00001';
export const PASSWORD = 'Initial-Pass-1';
export const BOB_SECRET = 'HL3KRIFSMDGC3WQKZ5ZFI4IPPPYE6CBY';

export const seed: SeedOrg = {
  org: { name: 'Account Test Org' },
  apiTokenOwner: 'admin@example.com',
  users: [
    { id: '00uAdmin0000000001', login: 'admin@example.com', firstName: 'Ada', lastName: 'Admin', password: PASSWORD },
    { id: ANN, login: 'ann@example.com', firstName: 'Ann', lastName: 'None', password: PASSWORD },
    {
      id: BOB,
      login: 'bob@example.com',
      firstName: 'Bob',
      lastName: 'Totp',
      password: PASSWORD,
      factors: [{ id: 'ostBobGoogle0001', type: 'google-totp', secret: BOB_SECRET }],
    },
  ],
};

export interface AccountOrg {
  url: string;
  idp: AccountIdentityProvider;
  control<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  /** The newest outbox code sent for a factor. */
  code(factorId: string): Promise<string>;
  /** The TOTP code of `secret` at the emulator's (virtual) time. */
  totpNow(secret: string): Promise<string>;
  /** The factors of a user as the emulator holds them. */
  factors(userId: string): Promise<Array<{ id: string; factorType: string; provider: string; status: string }>>;
  /** POST /api/v1/authn: the answer's status (or the HTTP error code). */
  authn(username: string, password: string): Promise<string>;
  close(): Promise<void>;
}

export async function startAccountOrg(): Promise<AccountOrg> {
  const emu = await startEmulator({ port: 0, seed });
  const idp = createOktaAccountIdentityProvider({
    orgUrl: emu.url,
    auth: { kind: 'ssws', token: emu.apiToken },
    timeoutMs: 3000,
    userAgent: 'okta-mfa-portal-test',
  });
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
    idp,
    control,
    async code(factorId) {
      const { messages } = await control<{ messages: Array<{ factorId: string; code: string | null }> }>('GET', 'outbox');
      const hit = messages.filter((m) => m.factorId === factorId && m.code !== null).at(-1);
      if (!hit?.code) throw new Error(`no code sent for ${factorId}`);
      return hit.code;
    },
    async totpNow(secret) {
      const { epochMs } = await control<{ epochMs: number }>('GET', 'clock');
      return totp(secret, Math.floor(epochMs / 1000));
    },
    async factors(userId) {
      const { users } = await control<{ users: Array<{ id: string; factors: [] }> }>('GET', 'users');
      return users.find((u) => u.id === userId)?.factors ?? [];
    },
    async authn(username, password) {
      const res = await fetch(`${emu.url}/api/v1/authn`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      const body = (await res.json()) as { status?: string; errorCode?: string };
      return body.status ?? body.errorCode ?? String(res.status);
    },
    close: () => emu.close(),
  };
}
