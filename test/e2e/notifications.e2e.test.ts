/**
 * Issue 14, items 2 and 4, end to end against the emulator (its Okta API and its SMTP listener), over the JSON API
 * and the forms:
 * - Email recovery: off unless listed; listed, the email factor's code arrives in the mailbox and recovers in 5 Okta
 *   calls, as SMS does.
 * - Notifications: a reset mails the user (the primary email Okta gave at the start: no extra Okta call, so an
 *   authenticator-app recovery still costs 4), in the page's language, with the request's IP and browser.
 * - "This wasn't me": GET shows the event and changes nothing; POST ends the user's Okta sessions, suspends them
 *   (REPORT_SUSPENDS_USER), alerts SECURITY_ALERT_EMAIL; a replay is refused; the token is never logged.
 * - A dead mail server never fails or holds the user's flow.
 * Only 127.0.0.1 is contacted.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SeedOrg } from '../../emulator/src/server.js';
import type { RunningPortal } from '../helpers/portal.js';
import { NEW_PASSWORD, PASSWORD, ROOMY_LIMITS, Stack, assertError, setPasswordBody } from './support.js';

const SEED: SeedOrg = {
  org: { name: 'Mail Org' },
  apiTokenOwner: 'admin@example.com',
  users: [
    { login: 'admin@example.com', email: 'admin@example.com', firstName: 'A', lastName: 'D', status: 'ACTIVE', password: PASSWORD, factors: [] },
    {
      login: 'erin.email@example.com',
      email: 'erin@mail.example.org',
      firstName: 'Erin',
      lastName: 'Mail',
      status: 'ACTIVE',
      password: PASSWORD,
      factors: [{ type: 'email' }],
    },
    {
      login: 'gabe.google@example.com',
      email: 'gabe@mail.example.org',
      firstName: 'Gabe',
      lastName: 'Google',
      status: 'ACTIVE',
      password: PASSWORD,
      factors: [{ type: 'google-totp', secret: 'JBSWY3DPEHPK3PXP' }],
    },
  ],
};

interface Mail {
  to: string[];
  subject: string;
  text: string;
  links: string[];
}

let stack: Stack;
let mailing: RunningPortal;
const UA = 'Mozilla/5.0 (X11; Linux x86_64) NotificationTest/1.0';
const env = (extra: Record<string, string> = {}) => ({
  ...ROOMY_LIMITS,
  RECOVERY_METHODS: 'email,google-authenticator',
  SMTP_URL: stack.emu.smtpUrl ?? '',
  MAIL_FROM: 'Mail Org portal <no-reply@mail.example.org>',
  SECURITY_ALERT_EMAIL: 'soc@mail.example.org',
  REPORT_SUSPENDS_USER: 'true',
  METRICS_PUBLIC: 'true', // the counters below are read from the portal's own /metrics
  ...extra,
});

/** The value of one Prometheus series of a portal (0 when absent), e.g. `portal_reports_total{outcome="confirmed"}`. */
async function metric(portal: RunningPortal, series: string): Promise<number> {
  const text = await (await fetch(`${portal.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

before(async () => {
  stack = await Stack.start({ ...ROOMY_LIMITS }, SEED);
  mailing = await stack.portalWith(env());
});
after(() => stack?.close());

async function mailTo(address: string, count = 1, timeoutMs = 5000): Promise<Mail[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { mail } = await stack.control<{ mail: Mail[] }>(`mail?to=${encodeURIComponent(address)}`);
    if (mail.length >= count || Date.now() > until) return mail;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function recoverWithApp(portal: RunningPortal, login: string, headers: Record<string, string> = {}) {
  const b = stack.browser(portal);
  const opts = { headers: { 'user-agent': UA, ...headers } };
  assert.equal((await b.api('POST', '/api/v1/recovery', { username: login }, opts)).status, 200);
  assert.equal((await b.api('POST', '/api/v1/recovery/challenge', { method: 'google-authenticator' }, opts)).status, 200);
  const v = await b.api<{ ott: string }>('POST', '/api/v1/recovery/verify', { code: await stack.totpCode(login) }, opts);
  assert.equal(v.status, 200, v.text);
  const done = await b.api('POST', '/api/v1/recovery/password', setPasswordBody(v.body.ott), opts);
  assert.equal(done.status, 200, done.text);
  return b;
}

describe('email as a recovery method', () => {
  test('not offered by default; listed, the code is mailed and the recovery costs 5 Okta calls', async () => {
    await stack.reset();
    const b0 = stack.browser(); // the stack's portal: default RECOVERY_METHODS
    assert.equal((await b0.api('POST', '/api/v1/recovery', { username: 'erin.email@example.com' })).status, 200);
    assertError(await b0.api('POST', '/api/v1/recovery/challenge', { method: 'email' }), 400, 'METHOD_NOT_AVAILABLE');

    await stack.clearRequests();
    const b = stack.browser(mailing);
    const started = await b.api<{ methods: { method: string }[] }>('POST', '/api/v1/recovery', { username: 'erin.email@example.com' });
    assert.deepEqual(started.body.methods.map((m) => m.method), ['email', 'google-authenticator']);
    const ch = await b.api('POST', '/api/v1/recovery/challenge', { method: 'email' });
    assert.equal(ch.status, 200, ch.text);
    assert.equal(ch.body.status, 'code_sent');
    const [sent] = await stack.messagesTo('erin.email@example.com');
    assert.equal(sent?.channel, 'email');
    assert.equal(sent?.to, 'erin@mail.example.org');
    const again = await b.api('POST', '/api/v1/recovery/challenge', { method: 'email' });
    assert.equal(again.status, 429, 'the resend wait applies as for SMS');
    const v = await b.api<{ ott: string }>('POST', '/api/v1/recovery/verify', { code: sent!.code });
    assert.equal(v.status, 200, v.text);
    assert.equal((await b.api('POST', '/api/v1/recovery/password', setPasswordBody(v.body.ott))).status, 200);
    const calls = (await stack.oktaCalls()).map((c) => `${c.method} ${c.path.replace(/\/(00u|emf)[A-Za-z0-9]+/g, '/$1…')}`);
    assert.deepEqual(calls, [
      'GET /api/v1/users',
      'GET /api/v1/users/00u…/factors',
      'POST /api/v1/users/00u…/factors/emf…/verify',
      'POST /api/v1/users/00u…/factors/emf…/verify',
      'POST /api/v1/users/00u…',
    ]);
    assert.equal(await stack.authn('erin.email@example.com', NEW_PASSWORD), 200);
  });
});

describe('notifications and "This wasn\'t me"', () => {
  test('a reset is mailed (4 Okta calls with an app), in the page language, with IP and browser', async () => {
    await stack.reset();
    await stack.clearRequests();
    const sentBefore = await metric(mailing, 'portal_notifications_total{result="sent"}');
    await recoverWithApp(mailing, 'gabe.google@example.com', { 'accept-language': 'fr-CA,fr;q=0.9' });
    assert.equal((await stack.oktaCalls()).length, 4, 'the notification costs no Okta call');
    const [mail] = await mailTo('gabe@mail.example.org');
    assert.ok(mail, 'the notification arrived in the mailbox');
    assert.equal(mail.subject, 'Votre mot de passe a été réinitialisé');
    assert.match(mail.text, /127\.0\.0\.1/);
    assert.ok(mail.text.includes(UA));
    assert.equal(mail.links.length, 1);
    assert.ok(mail.links[0]!.startsWith(`${mailing.url}/report/`));
    // At least: a mail of the previous test may still have been in the outbox when sentBefore was read.
    assert.ok((await metric(mailing, 'portal_notifications_total{result="sent"}')) >= sentBefore + 1, 'the sent mail is counted');
  });

  test('following the link: GET changes nothing; POST ends sessions, suspends, alerts; a replay is refused', async () => {
    await stack.reset();
    await recoverWithApp(mailing, 'gabe.google@example.com');
    const [mail] = await mailTo('gabe@mail.example.org');
    const path = new URL(mail!.links[0]!).pathname;
    await stack.clearRequests();
    const confirmedBefore = await metric(mailing, 'portal_reports_total{outcome="confirmed"}');
    const refusedBefore = await metric(mailing, 'portal_reports_total{outcome="refused"}');

    const b = stack.browser(mailing);
    const page = await b.page(path);
    assert.equal(page.status, 200);
    assert.match(page.text, /The password of your account was reset/);
    assert.match(page.text, /suspended/);
    assert.deepEqual(await stack.oktaCalls(), [], 'opening the link makes no Okta call');
    assert.equal((await stack.user('gabe.google@example.com')).status, 'ACTIVE');

    const done = await b.submit(path, {});
    assert.equal(done.status, 200, done.text.slice(0, 300));
    assert.match(done.text, /Thank you for telling us/);
    const calls = (await stack.oktaCalls()).map((c) => `${c.method} ${c.path.replace(/\/00u[A-Za-z0-9]+/, '/00u…')}`);
    assert.deepEqual(calls, ['DELETE /api/v1/users/00u…/sessions', 'POST /api/v1/users/00u…/lifecycle/suspend']);
    assert.equal((await stack.user('gabe.google@example.com')).status, 'SUSPENDED');
    const [alert] = await mailTo('soc@mail.example.org');
    assert.ok(alert, 'the security address was alerted');
    assert.match(alert.subject, /gabe\.google@example\.com/);

    const replay = await b.submit(path, {}, { from: '/' , withCsrf: false });
    assert.ok(replay.status === 410 || replay.status === 403, `replay answered ${replay.status}`);
    const replayPage = await b.page(path);
    assert.equal(replayPage.status, 410);
    assert.match(replayPage.text, /cannot be used/);
    const tampered = await b.page(path.slice(0, -2) + (path.endsWith('A') ? 'BB' : 'AA'));
    assert.equal(tampered.status, 410);
    const token = path.split('/').pop()!;
    assert.ok(!mailing.logText().includes(token), 'the token never reaches the log');
    assert.equal(await metric(mailing, 'portal_reports_total{outcome="confirmed"}'), confirmedBefore + 1, 'one confirmed report');
    // A report sent again (the used link) and one with a tampered token are each counted refused.
    const refusedNow = await metric(mailing, 'portal_reports_total{outcome="refused"}');
    assertError(await b.api('POST', `/api/v1/report/${token}`, {}), 410, 'REPORT_LINK_INVALID');
    assertError(await b.api('POST', `/api/v1/report/${token.slice(0, -1)}${token.endsWith('x') ? 'y' : 'x'}`, {}), 410, 'REPORT_LINK_INVALID');
    assert.equal(await metric(mailing, 'portal_reports_total{outcome="refused"}'), refusedNow + 2, 'the used and the tampered report are counted refused');
    assert.ok(refusedNow >= refusedBefore);
    assert.ok(!(await (await fetch(`${mailing.url}/metrics`)).text()).includes(token), 'the token never reaches a metric');
  });

  test('a dead mail server never fails or holds the flow', async () => {
    await stack.reset();
    const dead = await stack.portalWith(env({ SMTP_URL: 'smtp://127.0.0.1:9', SMTP_TIMEOUT_MS: '1000' }));
    await stack.control('mail', { method: 'DELETE' });
    const t0 = Date.now();
    await recoverWithApp(dead, 'gabe.google@example.com');
    assert.ok(Date.now() - t0 < 5000);
    assert.equal(await stack.authn('gabe.google@example.com', NEW_PASSWORD), 200);
    const until = Date.now() + 3000;
    while (!dead.logText().includes('will retry') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.match(dead.logText(), /notification send failed; will retry/);
    assert.ok((await metric(dead, 'portal_notifications_total{result="retried"}')) >= 1, 'the failed send is counted as retried');
    assert.equal(await metric(dead, 'portal_notifications_total{result="sent"}'), 0);
    assert.deepEqual(await mailTo('gabe@mail.example.org', 1, 0), []);
  });

  test('the JSON API: GET reads the event, POST reports once, then 410 REPORT_LINK_INVALID', async () => {
    await stack.reset();
    await recoverWithApp(mailing, 'gabe.google@example.com');
    const [mail] = await mailTo('gabe@mail.example.org');
    const token = new URL(mail!.links[0]!).pathname.split('/').pop()!;
    const b = stack.browser(mailing);
    const read = await b.api<{ status: string; event: { kind: string; ip: string } }>('GET', `/api/v1/report/${token}`);
    assert.equal(read.status, 200, read.text);
    assert.deepEqual([read.body.status, read.body.event.kind, read.body.event.ip], ['valid', 'password-reset', '127.0.0.1']);
    assert.equal((await stack.user('gabe.google@example.com')).status, 'ACTIVE');
    const done = await b.api('POST', `/api/v1/report/${token}`, {});
    assert.equal(done.status, 200, done.text);
    assert.deepEqual(done.body, { status: 'reported', suspended: true });
    assertError(await b.api('POST', `/api/v1/report/${token}`, {}), 410, 'REPORT_LINK_INVALID');
    assertError(await b.api('GET', `/api/v1/report/${token}`), 410, 'REPORT_LINK_INVALID');
    assertError(await b.api('GET', `/api/v1/report/${token.slice(0, -1)}x`), 410, 'REPORT_LINK_INVALID');
    assert.ok(!mailing.logText().includes(token), 'the token never reaches the log');
  });
});
