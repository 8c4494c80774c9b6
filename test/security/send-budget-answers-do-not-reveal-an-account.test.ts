/**
 * Property (issue 11, item 4): no oracle in the send budget. The sequence of challenge answers for a login is the
 * same whether the login exists, which phone factors it has (SMS only, SMS and voice), and whether its phone number's
 * own budget was already spent through another spelling of the login. Toll fraud stays capped per number all the
 * same: the number's budget is counted silently and, once spent, nothing more is sent to it.
 * End to end against the emulator, SMS and voice alternating (they share the per-destination budget).
 * Before the fix the per-destination limit counted real users per phone number but decoys per login, so the sixth
 * alternating send of a user without a voice factor was still sent where a decoy's was RATE_LIMITED, and a number
 * spent through one spelling made the other spelling RATE_LIMITED at once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningPortal } from '../helpers/portal.js';
import { ROOMY_LIMITS, Stack, errorCode } from '../e2e/support.js';
import { DANA_EMAIL, DANA_LOGIN, SECURITY_SEED } from './seed.js';

const ENV = { ...ROOMY_LIMITS, LIMIT_PER_DESTINATION: '5/1h', RESEND_COOLDOWN_SECONDS: '0' };
let stack: Stack;
let portal: RunningPortal;

before(async () => {
  stack = await Stack.start(ENV, SECURITY_SEED);
});
after(() => stack?.close());

/** SMS and voice sends that reached Okta (the outbox forgets codes past their lifetime). */
const phoneSends = async () =>
  (await stack.oktaCalls()).filter((c) => c.method === 'POST' && /\/factors\/(sms|clf)[^/]*\/verify$/.test(c.path) && c.status === 200).length;

/** One flow for `login`; `n` challenges alternating SMS and voice, each past Okta's 30 s window; their answers. */
async function sendSequence(login: string, n: number): Promise<string[]> {
  const b = stack.browser(portal);
  assert.equal((await b.api('POST', '/api/v1/recovery', { username: login })).status, 200);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    await stack.advanceClock(31);
    const a = await b.api('POST', '/api/v1/recovery/challenge', { method: i % 2 === 0 ? 'sms' : 'call' });
    out.push(`${a.status} ${errorCode(a) ?? (a.body as { status?: string }).status ?? ''}`);
  }
  return out;
}

describe('send budget answers do not reveal an account', () => {
  test('an unknown login, a user with SMS only, with voice only and with both get the same sequence', async () => {
    await stack.reset();
    portal = await stack.portalWith(ENV); // a fresh store per test
    const decoy = await sendSequence('nobody.at.all@example.com', 8);
    assert.deepEqual(decoy, [...Array(5).fill('200 code_sent'), ...Array(3).fill('429 RATE_LIMITED')]);
    for (const login of ['sms.user@example.com', 'call.user@example.com', 'multi.user@example.com', 'suspended.user@example.com', DANA_LOGIN]) {
      assert.deepEqual(await sendSequence(login, 8), decoy, login);
    }
  });

  test('a number spent through another spelling: the same answers, and nothing more is sent to it', async () => {
    await stack.reset();
    portal = await stack.portalWith(ENV); // a fresh store per test
    // The login spelling spends the number's budget (5/1h) with SMS and voice; then the email spelling.
    await sendSequence(DANA_LOGIN, 5);
    assert.equal(await phoneSends(), 5);
    assert.deepEqual(await sendSequence(DANA_EMAIL, 8), await sendSequence('no.such.user@example.org', 8));
    assert.equal(await phoneSends(), 5, 'LIMIT_PER_DESTINATION still caps what reaches the number');
  });
});
