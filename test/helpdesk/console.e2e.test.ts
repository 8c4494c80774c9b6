/**
 * The help-desk console without JavaScript and through its JSON API (fetch-based browser, real sockets, the demo
 * org): an agent of HELPDESK_GROUP signs in, looks a caller up (masked methods), verifies them by SMS code (pages)
 * and by push with number matching (API); a signed-in user outside the group gets 403 and an audit event; the
 * audit command shows the lookups, the results (with agent and ticket) and the refusal.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runAuditCommand } from '../../src/audit/command.js';
import type { StoredAuditEvent } from '../../src/audit/index.js';
import { systemClock } from '../../src/core/system.js';
import { tempDir } from '../store/helpers.js';
import { location, outboxCode, pendingPush, signIn, startSignInStack, Web, type SignInStack } from '../auth/support.js';

const AGENT = 'hal.helpdesk@example.com';
const GROUP = 'Portal Help Desk';

describe('help-desk console (no JavaScript, JSON API)', () => {
  let stack: SignInStack;
  const data = tempDir('portal-helpdesk-');
  before(async () => {
    stack = await startSignInStack({ env: { HELPDESK_GROUP: GROUP, STORE: 'sqlite', DATA_DIR: data.dir } });
  });
  after(async () => {
    await stack?.close();
    data.cleanup();
  });

  const auditOf = async (login: string): Promise<StoredAuditEvent[]> => {
    let out = '';
    const code = await runAuditCommand(['--user', login, '--json'], { STORE: 'sqlite', DATA_DIR: data.dir }, { out: (t) => (out += t), err: () => undefined }, systemClock);
    assert.equal(code, 0);
    return out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as StoredAuditEvent);
  };

  test('an agent verifies a caller by SMS code, with a ticket reference', async () => {
    const web = new Web();
    await signIn(web, stack, AGENT);
    const base = stack.portal.url;
    const home = await web.get(`${base}/helpdesk`);
    assert.equal(home.status, 200);
    await home.arrayBuffer();

    const lookup = await web.submit(`${base}/helpdesk`, `${base}/helpdesk/lookup`, { login: 'sam.sms@example.com', ticket: 'INC-4242' });
    assert.equal(lookup.status, 303);
    const page = await (await web.get(`${base}/helpdesk`)).text();
    assert.match(page, /Caller: sam\.sms@example\.com/);
    assert.match(page, /\+1 ••• ••• 0111/, 'the number is masked');
    assert.doesNotMatch(page, /5555550111/, 'never the full number');
    assert.doesNotMatch(page, /type="password"|action="[^"]*(password|enrol|unlock|reset)/i, 'no way to set a password or a method from here');

    const sent = await web.submit(`${base}/helpdesk`, `${base}/helpdesk/challenge`, { factorId: 'smsDemoSamSms0000001' });
    assert.equal(location(sent, base).pathname, '/helpdesk/code');
    const wrong = await web.submit(`${base}/helpdesk/code`, `${base}/helpdesk/code`, { code: '000000' });
    assert.equal(wrong.status, 400, 'a wrong code is refused and can be retyped');
    await wrong.arrayBuffer();
    const code = await outboxCode(stack.emu.url, 'sam.sms@example.com');
    const ok = await web.submit(`${base}/helpdesk/code`, `${base}/helpdesk/code`, { code });
    assert.equal(location(ok, base).pathname, '/helpdesk/result');
    const result = await (await web.get(`${base}/helpdesk/result`)).text();
    assert.match(result, /data-outcome="verified"/);
    assert.match(result, /INC-4242/);

    const events = await auditOf('sam.sms@example.com');
    const lookups = events.filter((e) => e.action === 'helpdesk.lookup');
    assert.equal(lookups.length, 1);
    assert.match(lookups[0]!.detail ?? '', new RegExp(`agent=${AGENT}`));
    const results = events.filter((e) => e.action === 'helpdesk.result');
    assert.equal(results.length, 1);
    assert.equal(results[0]!.outcome, 'success');
    assert.equal(results[0]!.method, 'sms');
    assert.match(results[0]!.detail ?? '', /agent=hal\.helpdesk@example\.com .*ticket=INC-4242.*verified/);
    assert.ok(!JSON.stringify(events).includes(code), 'the code never reaches the audit log');
  });

  test('push without JavaScript: the page shows the number, "Check again" lands on the result once approved', async () => {
    const web = new Web();
    await signIn(web, stack, AGENT);
    const base = stack.portal.url;
    await web.submit(`${base}/helpdesk?new=1`, `${base}/helpdesk/lookup`, { login: 'owen.okta@example.com', ticket: '' });
    const sent = await web.submit(`${base}/helpdesk`, `${base}/helpdesk/challenge`, { factorId: 'opfDemoOwenOkta00001' });
    assert.equal(location(sent, base).pathname, '/helpdesk/push');
    const page = await (await web.get(`${base}/helpdesk/push`)).text();
    const shown = Number(/id="push-number">(\d+)</.exec(page)?.[1]);
    assert.ok(shown > 0, 'the number to read out');
    assert.match(page, /<form method="get" action="\/helpdesk\/push">/, 'Check again works without JavaScript');
    const push = await pendingPush(stack.emu.url, 'owen.okta@example.com');
    const approve = await fetch(`${stack.emu.url}/_emulator/push/${push.transactionId}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ answer: shown }),
    });
    assert.equal(approve.status, 200);
    let res = await web.get(`${base}/helpdesk/push`);
    for (let i = 0; i < 20 && res.status === 200; i++) {
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 300));
      res = await web.get(`${base}/helpdesk/push`);
    }
    assert.equal(location(res, base).pathname, '/helpdesk/result');
    assert.match(await (await web.get(`${base}/helpdesk/result`)).text(), /data-outcome="verified"/);
  });

  test('the JSON API: lookup, push with number matching, status', async () => {
    const web = new Web();
    await signIn(web, stack, AGENT);
    const base = stack.portal.url;
    const found = await web.api<{ caller: { login: string; factors: { id: string; method: string }[] } }>(base, 'POST', '/api/v1/helpdesk/lookup', {
      login: 'pat.push@example.com',
    });
    assert.equal(found.status, 200, JSON.stringify(found.body));
    assert.deepEqual(found.body.caller.factors.map((f) => f.method), ['push']);
    const start = await web.api<{ status: string; correctAnswer: number | null }>(base, 'POST', '/api/v1/helpdesk/challenge', {
      factorId: found.body.caller.factors[0]!.id,
    });
    assert.equal(start.body.status, 'push_waiting');
    assert.equal(typeof start.body.correctAnswer, 'number');
    const push = await pendingPush(stack.emu.url, 'pat.push@example.com');
    const approve = await fetch(`${stack.emu.url}/_emulator/push/${push.transactionId}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ answer: start.body.correctAnswer }),
    });
    assert.equal(approve.status, 200);
    let state = '';
    for (let i = 0; i < 40 && state !== 'verified'; i++) {
      state = (await web.api<{ status: string }>(base, 'GET', '/api/v1/helpdesk/status')).body.status;
      if (state !== 'verified') await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(state, 'verified');
    const unknown = await web.api<{ error: { code: string } }>(base, 'POST', '/api/v1/helpdesk/lookup', { login: 'nobody@example.com' });
    assert.equal(unknown.status, 404);
  });

  test('a signed-in user outside the group is refused (403) and the refusal is audited', async () => {
    const web = new Web();
    await signIn(web, stack, 'nora.none@example.com');
    const base = stack.portal.url;
    const res = await web.get(`${base}/helpdesk`);
    assert.equal(res.status, 403);
    assert.doesNotMatch(await res.text(), /Caller/);
    const api = await web.api<{ error: { code: string } }>(base, 'POST', '/api/v1/helpdesk/lookup', { login: 'sam.sms@example.com' });
    assert.equal(api.status, 403);
    assert.equal(api.body.error.code, 'FORBIDDEN');
    const denied = (await auditOf('nora.none@example.com')).filter((e) => e.action === 'helpdesk.denied');
    assert.equal(denied.length, 2);
    assert.ok(denied.every((e) => e.outcome === 'denied'));
    // Without a session: sign-in first, nothing audited against anyone.
    const anon = await new Web().get(`${base}/helpdesk`);
    assert.equal(location(anon, base).pathname, '/auth/signin');
  });
});
