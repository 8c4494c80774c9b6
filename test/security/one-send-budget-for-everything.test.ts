/**
 * Property (issue 11, item 7): one send budget for everything. Every SMS, call or push the portal causes — recovery,
 * "My security methods" enrolment and resend, step-up — counts against the operator's LIMIT_* (global sends, per
 * destination number, pushes per user), not against caps of its own.
 * End to end: a portal signed in against the emulator's demo org, the sends counted at the emulator.
 * Before the fix the account used hard-coded caps (1000 sends in total, 10 per number, 10 pushes per user): with
 * LIMIT_GLOBAL_SENDS=3/1h five enrolment SMS went out, and a step-up pushed after recovery's push cap was spent.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signIn, startSignInStack, Web, type SignInStack } from '../auth/support.js';
import { Browser } from '../e2e/support.js';

type Err = { error?: { code?: string } };

async function outbox(stack: SignInStack): Promise<{ to: string; login: string }[]> {
  const res = await fetch(`${stack.emu.url}/_emulator/outbox`);
  return ((await res.json()) as { messages: { to: string; login: string }[] }).messages;
}

async function pushesAt(stack: SignInStack): Promise<number> {
  const res = await fetch(`${stack.emu.url}/_emulator/requests`);
  const { requests } = (await res.json()) as { requests: { method: string; path: string }[] };
  return requests.filter((r) => r.method === 'POST' && /\/factors\/opf[^/]+\/verify$/.test(r.path)).length;
}

async function recoverySend(stack: SignInStack, login: string, method: string): Promise<number> {
  const b = new Browser(stack.portal.url);
  assert.equal((await b.api('POST', '/api/v1/recovery', { username: login })).status, 200);
  return (await b.api('POST', '/api/v1/recovery/challenge', { method })).status;
}

describe('the account spends the operator\'s send budgets', () => {
  let stack: SignInStack;
  before(async () => {
    stack = await startSignInStack({
      env: { LIMIT_GLOBAL_SENDS: '3/1h', LIMIT_PER_DESTINATION: '2/1h', LIMIT_PUSH_PER_USER: '2/15m', RESEND_COOLDOWN_SECONDS: '0' },
    });
  });
  after(() => stack.close());

  test('recovery and enrolment share LIMIT_GLOBAL_SENDS; enrolment obeys LIMIT_PER_DESTINATION', async () => {
    const web = new Web();
    await signIn(web, stack, 'nora.none@example.com');
    const enrol = (phoneNumber: string) =>
      web.api<Err>(stack.portal.url, 'POST', '/api/v1/account/enrolment', { method: 'sms', phoneNumber });

    // Per destination: a third code to the same number is refused (past Okta's 30 s window each time).
    const okta30s = () =>
      fetch(`${stack.emu.url}/_emulator/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceSeconds: 31 }),
      }).then((r) => r.arrayBuffer());
    assert.equal((await enrol('+15555550901')).status, 200);
    await okta30s();
    assert.equal((await enrol('+15555550901')).status, 200);
    await okta30s();
    const third = await enrol('+15555550901');
    assert.equal(third.status, 429);
    assert.equal(third.body.error?.code, 'RATE_LIMITED');

    // Global: one more send is left (2 of 3 spent); a recovery send takes it, then the account gets none.
    assert.equal(await recoverySend(stack, 'sam.sms@example.com', 'sms'), 200);
    for (const n of ['+15555550902', '+15555550903', '+15555550904']) {
      const r = await enrol(n);
      assert.equal(r.status, 429, `enrolment to ${n}`);
      assert.equal(r.body.error?.code, 'RATE_LIMITED');
    }
    assert.equal((await outbox(stack)).length, 3, 'exactly LIMIT_GLOBAL_SENDS messages went out');
  });

  test('a step-up push counts against LIMIT_PUSH_PER_USER with recovery\'s pushes', async () => {
    const login = 'pat.push@example.com';
    const before = await pushesAt(stack);
    assert.equal(await recoverySend(stack, login, 'push'), 200);
    assert.equal(await recoverySend(stack, login, 'push'), 200);
    assert.equal((await pushesAt(stack)) - before, 2);

    const web = new Web();
    await signIn(web, stack, login);
    const stepUp = await web.api<Err>(stack.portal.url, 'POST', '/api/v1/account/step-up', { factorId: 'opfDemoPatPush000001' });
    assert.equal(stepUp.status, 429, JSON.stringify(stepUp.body));
    assert.equal(stepUp.body.error?.code, 'RATE_LIMITED');
    assert.equal((await pushesAt(stack)) - before, 2, 'no third push reached Okta');
  });
});
