// Logs (LOG-1, issue 4 "Operations"): with the production logger (createLogger: pino JSON + redaction) at debug
// level, every line written while a request is served carries that request's id — the transport's lines, the
// audit events, the Okta adapter's call lines and errors — and no secret of a full recovery appears anywhere.
// (test/e2e/secrets.e2e.test.ts checks the HTML forms and push flows with the test helper's logger; this file
// covers the production logger, the request id on every line and the Okta debug lines.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApiClient,
  COOKIE_SECRET,
  NEW_PASSWORD,
  PASSWORD,
  ROOMY_LIMITS,
  SMS_USER,
  errorCode,
  logLines,
  startInProcess,
  startOrg,
  wrongCode,
  type InProcessPortal,
  type Org,
} from '../resilience/support.js';

let org: Org;
let p: InProcessPortal;
before(async () => {
  org = await startOrg();
  p = await startInProcess(org, { ...ROOMY_LIMITS, LOG_LEVEL: 'debug' });
});
after(async () => {
  await p?.close();
  await org?.close();
});

test('a full SMS recovery: a request id on every request line, and no secret in the log', async () => {
  const secrets = new Map<string, string>();
  const c = new ApiClient(p.url);
  assert.equal((await c.start(SMS_USER)).status, 200);
  assert.equal((await c.challenge('sms')).status, 200);
  const code = await org.lastCode(SMS_USER);
  assert.equal(errorCode(await c.verify(wrongCode(code))), 'INVALID_CODE');
  const v = await c.verify(code);
  assert.equal(v.status, 200, v.text);
  const ott = v.body.ott!;
  // The current password is refused by Okta's history rule (strict=true): a password in a request all the same.
  assert.equal(errorCode(await c.password(ott, PASSWORD)), 'PASSWORD_POLICY');
  assert.equal((await c.password(ott, NEW_PASSWORD)).status, 200);
  assert.equal(await org.authn(SMS_USER, NEW_PASSWORD), 200);

  secrets.set('sms code', code);
  secrets.set('wrong code', wrongCode(code));
  secrets.set('ott', ott);
  secrets.set('new password', NEW_PASSWORD);
  secrets.set('old password', PASSWORD);
  secrets.set('csrf token', await c.csrf());
  for (const [name, value] of c.cookies) {
    secrets.set(`cookie ${name}`, value);
    // Signed cookies are value.signature: neither part may appear.
    for (const part of value.split('.')) if (part.length >= 16) secrets.set(`cookie ${name} part`, part);
  }
  secrets.set('api token', org.apiToken);
  secrets.set('cookie secret', COOKIE_SECRET);
  assert.ok(c.cookies.size >= 2, 'flow and CSRF cookies captured');

  const text = p.logText();
  for (const [label, value] of secrets) {
    const pattern = /^\d+$/.test(value)
      ? new RegExp(`(?<![0-9])${value}(?![0-9])`)
      : new RegExp(value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    assert.doesNotMatch(text, pattern, `${label} appears in the log`);
  }

  const lines = logLines(text);
  assert.ok(lines.length > 20, 'the portal logged');
  const withoutId = lines.filter((l) => typeof l.reqId !== 'string');
  assert.deepEqual(
    withoutId.map((l) => l.msg).filter((m) => !/^Server listening at /.test(String(m))),
    [],
    'every line but the start-up ones carries a reqId',
  );
  const audit = lines.filter((l) => l.audit === true);
  const okta = lines.filter((l) => l.okta !== undefined);
  assert.ok(audit.length >= 6, 'audit lines');
  assert.ok(okta.some((l) => (l.okta as { event: string }).event === 'okta.call'), 'Okta call lines at debug');
  assert.ok(okta.some((l) => (l.okta as { event: string }).event === 'okta.error'), 'the refused password write is logged');
  for (const a of audit) {
    const event = a.event as { requestId: string } | undefined;
    if (event) assert.equal(a.reqId, event.requestId, 'the audit line has its own request id');
  }
  // Every request's lines share its id: the okta lines of the verify request sit between its start and end lines.
  const ids = new Set(lines.map((l) => l.reqId).filter((x): x is string => typeof x === 'string'));
  for (const l of okta) assert.ok(ids.has(l.reqId as string));
  const completed = lines.filter((l) => l.msg === 'request completed').map((l) => l.reqId);
  for (const l of [...audit, ...okta]) assert.ok(completed.includes(l.reqId), 'belongs to a request that completed');
});
