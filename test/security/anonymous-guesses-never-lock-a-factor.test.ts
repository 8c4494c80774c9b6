/**
 * Property (issue 11, item 2): anonymous visitors cannot lock a user's factor at Okta.
 * Okta locks a factor after 5 wrong codes in a row (E0000069) until an administrator unlocks it, for every Okta app.
 * The portal keeps one budget per Okta user of codes that reach Okta, one short of that threshold, shared by every
 * flow, portal instance (one store) and spelling of the login (login, other case, email), parallel
 * guesses included. Once spent, guesses are refused without calling Okta, answered exactly as for an unknown login;
 * a factor already locked at Okta answers the same way. A signed-in step-up shares the same budget.
 * End to end against the emulator (its factor lockout is Okta's: 5), plus the core for the step-up.
 * Before the fix: each flow let 5 wrong codes reach Okta, so the second flow's guesses locked the factor, and a
 * locked factor answered FACTOR_LOCKED where an unknown login answers INVALID_CODE.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccountService, createRecoveryService, defaultAccountPolicy } from '../../src/core/index.js';
import { PortalError } from '../../src/core/errors.js';
import type { RunningPortal } from '../helpers/portal.js';
import { FakeClock, FakeIdp, FakeNotifier, MemoryAudit, SeededRandom, followHandles, testPolicy } from '../helpers/fakes.js';
import { MemoryStore } from '../../src/store/memory.js';
import { ROOMY_LIMITS, Stack, errorCode, type Answer, type Browser } from '../e2e/support.js';
import { DANA_EMAIL, DANA_LOGIN, SECURITY_SEED } from './seed.js';

const VICTIM = DANA_LOGIN;
const SPELLINGS = [VICTIM, 'Dana@Corp.Example.COM', DANA_EMAIL]; // login, other case, email
const dir = mkdtempSync(join(tmpdir(), 'portal-lockout-'));
const env = { ...ROOMY_LIMITS, STORE: 'sqlite', DATA_DIR: dir, RESEND_COOLDOWN_SECONDS: '0' };
let stack: Stack;
let second: RunningPortal;

before(async () => {
  stack = await Stack.start(env, SECURITY_SEED);
  second = await stack.portalWith(env); // a second instance on the same store
});
after(async () => {
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

const verifyCalls = async () =>
  (await stack.oktaCalls()).filter((c) => c.method === 'POST' && /\/factors\/[^/]+\/verify$/.test(c.path)).length;

/** Asks Okta itself (the emulator's API, as any Okta app would) whether the factor still verifies the right code. */
async function oktaAcceptsRightCode(login: string): Promise<{ status: number; errorCode?: string }> {
  const user = await stack.user(login);
  const factor = user.factors.find((f) => f.factorType === 'token:software:totp')!;
  const res = await fetch(`${stack.emu.url}/api/v1/users/${user.id}/factors/${factor.id}/verify`, {
    method: 'POST',
    headers: { authorization: `SSWS ${stack.emu.apiToken}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ passCode: await stack.totpCode(login) }),
  });
  const body = (await res.json()) as { errorCode?: string };
  return body.errorCode === undefined ? { status: res.status } : { status: res.status, errorCode: body.errorCode };
}

async function openFlow(b: Browser, login: string, method = 'google-authenticator'): Promise<void> {
  assert.equal((await b.api('POST', '/api/v1/recovery', { username: login })).status, 200);
  const c = await b.api('POST', '/api/v1/recovery/challenge', { method });
  assert.equal(c.status, 200, c.text);
}

const shape = (a: Answer) => `${a.status} ${errorCode(a) ?? ''}`;

/** One flow for `login`, then `n` wrong codes one after the other: the answers' status and code. */
async function guessSequence(login: string, n: number): Promise<string[]> {
  const b = stack.browser();
  await openFlow(b, login);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(shape(await b.api('POST', '/api/v1/recovery/verify', { code: '000000' })));
  return out;
}

describe('anonymous guesses never lock a factor at Okta', () => {
  test('many flows, both instances, every spelling, in parallel: at most 4 codes reach Okta; the factor still works', async () => {
    await stack.reset();
    const before = await verifyCalls();
    const flows = Array.from({ length: 6 }, (_, i) => ({
      b: i % 2 === 0 ? stack.browser() : stack.browser(second),
      login: SPELLINGS[i % SPELLINGS.length]!,
    }));
    for (const f of flows) await openFlow(f.b, f.login);
    const answers = await Promise.all(
      flows.flatMap((f) => Array.from({ length: 5 }, () => f.b.api('POST', '/api/v1/recovery/verify', { code: '000000' }))),
    );
    for (const a of answers) assert.ok(['INVALID_CODE', 'TOO_MANY_ATTEMPTS'].includes(errorCode(a) ?? ''), a.text);
    assert.ok((await verifyCalls()) - before <= 4, 'at most threshold − 1 codes reached Okta');
    assert.deepEqual(await oktaAcceptsRightCode(VICTIM), { status: 200 }, 'the factor is not locked at Okta');

    // Once spent, guesses do not reach Okta at all, and the answers are exactly an unknown login's.
    const calls = await verifyCalls();
    const victim = await guessSequence(SPELLINGS[2]!, 6);
    assert.equal(await verifyCalls(), calls, 'no call to Okta once the budget is spent');
    assert.deepEqual(victim, await guessSequence('nobody.here@example.com', 6));
    assert.deepEqual(victim, [...Array(4).fill('400 INVALID_CODE'), '429 TOO_MANY_ATTEMPTS', '429 TOO_MANY_ATTEMPTS']);
  });

  test('a factor already locked at Okta answers as an unknown login does (no FACTOR_LOCKED oracle)', async () => {
    await stack.reset();
    const login = 'okta.user@example.com';
    // Someone locks the factor at Okta through another app: five wrong codes straight to the API.
    const user = await stack.user(login);
    const factor = user.factors.find((f) => f.factorType === 'token:software:totp')!;
    for (let i = 0; i < 5; i++) {
      await fetch(`${stack.emu.url}/api/v1/users/${user.id}/factors/${factor.id}/verify`, {
        method: 'POST',
        headers: { authorization: `SSWS ${stack.emu.apiToken}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ passCode: '000000' }),
      }).then((r) => r.arrayBuffer());
    }
    assert.equal((await oktaAcceptsRightCode(login)).errorCode, 'E0000069', 'the factor is locked at Okta');

    const b = stack.browser(second);
    await openFlow(b, login, 'okta-verify-code');
    const locked: string[] = [];
    for (let i = 0; i < 5; i++) locked.push(shape(await b.api('POST', '/api/v1/recovery/verify', { code: '123456' })));
    assert.deepEqual(locked, await guessSequence('nobody.else@example.com', 5));
    assert.equal(locked.includes('429 FACTOR_LOCKED'), false);
  });
});

describe('the budget is the user\'s: a signed-in step-up shares it with recovery', () => {
  test('guesses through recovery spend the step-up\'s budget; nothing more reaches the IdP, and the user is told to use another method', async () => {
    const clock = new FakeClock();
    const idp = new FakeIdp({ clock });
    const store = new MemoryStore(clock);
    const audit = new MemoryAudit();
    const user = idp.addUser({ login: 'alice@example.com', factors: [{ method: 'google-authenticator', id: 'ostAlice' }] });
    const recovery = followHandles(
      createRecoveryService({ idp, store, clock, random: new SeededRandom(1), audit, notifier: new FakeNotifier(), policy: testPolicy() }),
    );
    const account = createAccountService({
      idp,
      store,
      clock,
      random: new SeededRandom(2),
      audit,
      policy: defaultAccountPolicy({ totpIssuer: 'Example Org' }),
    });
    const ctx = { ip: '198.51.100.9', userAgent: 'test', requestId: 'r' };
    for (let flow = 0; flow < 2; flow++) {
      const { handle } = await recovery.start({ login: flow === 0 ? 'alice@example.com' : 'ALICE@example.com', ctx });
      await recovery.challenge({ handle, method: 'google-authenticator', ctx });
      for (let i = 0; i < 3; i++) await assert.rejects(recovery.verify({ handle, code: '000000', ctx }));
    }
    assert.equal(idp.count('verifyPasscode'), 4);

    const a = { userId: user.id, login: user.login, sessionId: 'sess-1', ctx };
    await account.stepUpStart(a, 'ostAlice');
    await assert.rejects(account.stepUpVerify(a, '123456'), (e: PortalError) => {
      assert.equal(e.code, 'FACTOR_LOCKED');
      assert.match(e.message, /another method/);
      return true;
    });
    assert.equal(idp.count('verifyPasscode'), 4, 'the step-up guess did not reach the IdP');
  });

  test('FACTOR_LOCKED from the IdP in a step-up tells the user to choose another method', async () => {
    const clock = new FakeClock();
    const idp = new FakeIdp({ clock });
    const user = idp.addUser({ login: 'bob@example.com', factors: [{ method: 'google-authenticator', id: 'ostBob' }] });
    const account = createAccountService({
      idp,
      store: new MemoryStore(clock),
      clock,
      random: new SeededRandom(3),
      audit: new MemoryAudit(),
      policy: defaultAccountPolicy({ totpIssuer: 'Example Org' }),
    });
    const a = { userId: user.id, login: user.login, sessionId: 'sess-2', ctx: { ip: '198.51.100.9', userAgent: 't', requestId: 'r' } };
    await account.stepUpStart(a, 'ostBob');
    idp.failNext('verifyPasscode', new PortalError('FACTOR_LOCKED'));
    await assert.rejects(account.stepUpVerify(a, '123456'), (e: PortalError) => e.code === 'FACTOR_LOCKED' && /another method/.test(e.message));
  });
});
