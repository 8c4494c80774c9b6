/**
 * Threat: the one-time token that opens the password step is replayed (double submit, a copy from history or a
 * proxy), used from another browser (a leaked or shoulder-surfed ott redeemed with the attacker's own flow), or
 * raced (two submits at once both writing a password).
 * Checklist: OTT-2 (single use, atomic), OTT-3 (one recovery invalidates the user's other otts), OTT-4 (bound to the
 * flow/browser session), RST-7 (identity from the server-side flow only), REL-6 (a double submit writes once).
 * Okta password writes are counted in the emulator's request log (POST /api/v1/users/{id}).
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NEW_PASSWORD, PASSWORD, ROOMY_LIMITS, Stack, assertError, setPasswordBody, verifiedOtt } from './support.js';

let stack: Stack;

before(async () => {
  // No portal-side resend cooldown: one test sends two SMS to one phone (the emulator's clock skips Okta's window).
  stack = await Stack.start({ ...ROOMY_LIMITS, RESEND_COOLDOWN_SECONDS: '0' });
});
after(() => stack?.close());
beforeEach(() => stack.reset());

async function passwordWrites(): Promise<number> {
  return (await stack.oktaCalls()).filter((c) => c.method === 'POST' && /^\/api\/v1\/users\/[^/]+$/.test(c.path)).length;
}

describe('the ott', () => {
  test('replayed: the second submit with the same ott is INVALID_OTT and the password is written once', async () => {
    const b = stack.browser();
    const ott = await verifiedOtt(stack, b, 'google.user@example.com');
    const first = await b.api('POST', '/api/v1/recovery/password', setPasswordBody(ott));
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.status, 'changed');

    const again = await b.api('POST', '/api/v1/recovery/password', setPasswordBody(ott, 'Another-Passw0rd-2'));
    assertError(again, 400, 'INVALID_OTT');
    assert.equal(await passwordWrites(), 1);
    assert.equal(await stack.authn('google.user@example.com', NEW_PASSWORD), 200);
  });

  test("another flow's ott (client A's ott with client B's cookie) is INVALID_OTT and A's ott survives", async () => {
    const a = stack.browser();
    const b = stack.browser();
    const ottA = await verifiedOtt(stack, a, 'google.user@example.com');
    const ottB = await verifiedOtt(stack, b, 'okta.user@example.com', 'okta-verify-code');

    assertError(await b.api('POST', '/api/v1/recovery/password', setPasswordBody(ottA)), 400, 'INVALID_OTT');
    assert.equal(await passwordWrites(), 0, 'nothing was written for either user');

    // The probe neither consumed A's ott nor spoiled B's own flow.
    assert.equal((await a.api('POST', '/api/v1/recovery/password', setPasswordBody(ottA))).status, 200);
    assert.equal((await b.api('POST', '/api/v1/recovery/password', setPasswordBody(ottB))).status, 200);
    assert.equal(await stack.authn('google.user@example.com', NEW_PASSWORD), 200);
    assert.equal(await stack.authn('okta.user@example.com', NEW_PASSWORD), 200);
  });

  test("an ott of another flow for the same user is refused too; after A's recovery B's ott is dead", async () => {
    const login = 'sms.user@example.com';
    const a = stack.browser();
    const b = stack.browser();
    const ottA = await verifiedOtt(stack, a, login, 'sms');
    await stack.advanceClock(31); // Okta's 30 s resend window for the phone
    const ottB = await verifiedOtt(stack, b, login, 'sms');

    assertError(await b.api('POST', '/api/v1/recovery/password', setPasswordBody(ottA)), 400, 'INVALID_OTT');
    assert.equal((await a.api('POST', '/api/v1/recovery/password', setPasswordBody(ottA))).status, 200);
    const late = await b.api('POST', '/api/v1/recovery/password', setPasswordBody(ottB, 'Attacker-Passw0rd-9'));
    assertError(late, 400, 'INVALID_OTT');
    assert.equal(await passwordWrites(), 1);
    assert.equal(await stack.authn(login, NEW_PASSWORD), 200);
    assert.equal(await stack.authn(login, PASSWORD), 401);
  });

  test('two concurrent redemptions of one ott: exactly one "changed"', async () => {
    const b = stack.browser();
    const ott = await verifiedOtt(stack, b, 'okta.user@example.com', 'okta-verify-code');
    const answers = await Promise.all([
      b.api('POST', '/api/v1/recovery/password', setPasswordBody(ott)),
      b.api('POST', '/api/v1/recovery/password', setPasswordBody(ott)),
      b.api('POST', '/api/v1/recovery/password', setPasswordBody(ott)),
    ]);
    const changed = answers.filter((a) => a.status === 200 && a.body.status === 'changed');
    assert.equal(changed.length, 1, answers.map((a) => `${a.status} ${a.text}`).join('\n'));
    for (const a of answers.filter((x) => x.status !== 200)) assertError(a, 400, 'INVALID_OTT');
    assert.equal(await passwordWrites(), 1);
  });

  test('two browsers sharing one flow cookie race the same ott: exactly one wins', async () => {
    const a = stack.browser();
    const ott = await verifiedOtt(stack, a, 'google.user@example.com');
    const twin = stack.browser();
    await twin.csrf();
    twin.cookies.set('flow', a.cookies.get('flow')!);
    const [x, y] = await Promise.all([
      a.api('POST', '/api/v1/recovery/password', setPasswordBody(ott)),
      twin.api('POST', '/api/v1/recovery/password', setPasswordBody(ott, 'Twin-Passw0rd-77')),
    ]);
    assert.deepEqual([x.status, y.status].sort(), [200, 400], `${x.text} / ${y.text}`);
    assert.equal(await passwordWrites(), 1);
  });

  test('a made-up ott of the right shape is INVALID_OTT and writes nothing', async () => {
    const b = stack.browser();
    await verifiedOtt(stack, b, 'google.user@example.com');
    assertError(await b.api('POST', '/api/v1/recovery/password', setPasswordBody('A'.repeat(43))), 400, 'INVALID_OTT');
    assertError(await b.api('POST', '/api/v1/recovery/password', setPasswordBody('short')), 400, 'INVALID_OTT');
    assert.equal(await passwordWrites(), 0);
  });
});
