/**
 * Counts the Okta API calls one complete recovery costs, per method and per step, from the emulator's request log.
 * Rules: one recovery per method through the portal's JSON API, the request log cleared before each step; the
 * push is approved on the emulated phone before the first status poll, so it shows the fewest polls possible
 * (each further poll while a user hesitates costs one more call, at most one per PUSH_POLL_INTERVAL_SECONDS).
 * Codes come from the emulator's outbox (sms, call) or are computed from the seeded secrets (authenticator apps).
 */
import { Secret, TOTP } from 'otpauth';
import { Jar, JsonClient, type JsonAnswer } from './http.js';
import type { EmulatorControl } from './net.js';
import { METHOD_USERS, totpSecret, type CountedMethod } from './seed.js';
import type { MethodCalls } from './types.js';

const SECRETS: Partial<Record<CountedMethod, string>> = {
  'google-authenticator': totpSecret('count-google'),
  'okta-verify-code': totpSecret('count-okta'),
};

function ok(step: string, r: JsonAnswer): Record<string, unknown> {
  if (r.status !== 200 || !r.body) {
    const code = (r.body?.error as { code?: string } | undefined)?.code ?? '-';
    throw new Error(`${step} answered ${r.status} ${code}`);
  }
  return r.body;
}

export async function countOktaCalls(
  portalUrl: string,
  emu: EmulatorControl,
  method: CountedMethod,
  opts: { revokeSessions: boolean; password: string; label?: string },
): Promise<MethodCalls> {
  const client = new JsonClient(portalUrl, 2);
  const jar = new Jar();
  const perStep: Record<string, number> = {};
  const calls: string[] = [];
  const login = METHOD_USERS[method];
  const take = async (step: string) => {
    const log = await emu.requests();
    perStep[step] = log.length;
    for (const r of log) {
      const path = r.path.replace(/\/(00u|sms|clf|opf|ost|v2mst\.)[A-Za-z0-9._-]+/g, '/{id}').replace(/\/users\/[^/]*(@|%40)[^/]*/, '/users/{login}');
      const query = new URLSearchParams(Object.entries(r.query).flatMap(([k, v]): [string, string][] => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v]]))).toString();
      calls.push(`${r.method} ${path}${query ? `?${query}` : ''}`);
    }
    await emu.clearRequests();
  };
  try {
    await emu.reset();
    const csrf = ok('csrf', await client.send('GET', '/api/v1/csrf', { jar }));
    const headers = { origin: new URL(portalUrl).origin, 'x-csrf-token': String(csrf.csrfToken) };
    const post = async (step: string, path: string, body: unknown) => ok(step, await client.send('POST', path, { body, headers, jar }));
    await emu.clearRequests();
    await post('start', '/api/v1/recovery', { username: login });
    await take('start');
    const challenged = await post('challenge', '/api/v1/recovery/challenge', { method });
    await take('challenge');
    let ott: unknown;
    if (method === 'push') {
      const { pushes } = await emu.call<{ pushes: { transactionId: string; login: string }[] }>('GET', 'push');
      const mine = pushes.find((p) => p.login === login);
      if (!mine) throw new Error('the push did not reach the emulated phone');
      await emu.call('POST', `push/${mine.transactionId}/approve`, { answer: challenged.correctAnswer });
      for (let i = 0; i < 50 && ott === undefined; i++) {
        const status = ok('status', await client.send('GET', '/api/v1/recovery/status', { jar }));
        if (status.status === 'verified') ott = status.ott;
        else await new Promise((r) => setTimeout(r, 100));
      }
      if (ott === undefined) throw new Error('the approved push was never reported as verified');
    } else {
      let code: string;
      const secret = SECRETS[method];
      if (secret) code = new TOTP({ secret: Secret.fromBase32(secret) }).generate();
      else {
        const { messages } = await emu.call<{ messages: { code: string | null }[] }>('GET', `outbox?login=${encodeURIComponent(login)}`);
        code = messages.at(-1)?.code ?? '';
      }
      ott = (await post('verify', '/api/v1/recovery/verify', { code })).ott;
    }
    await take('verify');
    await post('password', '/api/v1/recovery/password', {
      ott,
      password: opts.password,
      confirmPassword: opts.password,
      revokeSessions: opts.revokeSessions,
    });
    await take('password');
    const total = Object.values(perStep).reduce((a, b) => a + b, 0);
    return { method: opts.label ?? method, total, perStep, calls, ok: true };
  } catch (err) {
    return { method: opts.label ?? method, total: NaN, perStep, calls, ok: false, error: (err as Error).message };
  } finally {
    client.close();
  }
}
