// The mail outbox and notifier (issue 14, item 4): a message is stored before it is sent; a failing SMTP server
// never fails or holds the caller; failed sends are retried from the store with backoff on the injected clock, by
// this process or the next one; after the last try the message is dropped and reported; a claimed message is sent
// once. Messages say what happened, when, from where, in the request's language, with the signed link and no tracking.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createReportService } from '../../../src/core/report.js';
import type { SecurityNotice } from '../../../src/core/ports.js';
import { BACKOFF_MAX_MS, MAX_ATTEMPTS, MailOutbox, backoffMs, createMailNotifier, type MailTransport, type OutboxEvent, type OutgoingMail } from '../../../src/notify/index.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { FakeClock, FakeIdp, MemoryAudit, SeededRandom, ctx } from '../../helpers/fakes.js';

class FlakyTransport implements MailTransport {
  sent: OutgoingMail[] = [];
  failures = 0;
  attempts = 0;
  send(mail: OutgoingMail): Promise<void> {
    this.attempts++;
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ECONNECTION' }));
    }
    this.sent.push(mail);
    return Promise.resolve();
  }
  close(): void {}
}

function setup(transport = new FlakyTransport()) {
  const clock = new FakeClock();
  const store = new MemoryStore(clock);
  const events: OutboxEvent[] = [];
  const outbox = new MailOutbox({ store, clock, random: new SeededRandom(3), transport, onEvent: (e) => events.push(e) });
  return { clock, store, outbox, transport, events };
}

const MAIL = { to: 'alice@example.com', subject: 's', text: 't', html: '<p>t</p>' };

describe('mail outbox', () => {
  test('backoff doubles from 30 s and stops at an hour', () => {
    assert.deepEqual([1, 2, 3, 4].map(backoffMs), [30_000, 60_000, 120_000, 240_000]);
    assert.equal(backoffMs(20), BACKOFF_MAX_MS);
  });

  test('a failing server: enqueue still resolves; the message is retried with backoff until it goes', async () => {
    const s = setup();
    s.transport.failures = 3;
    await s.outbox.enqueue(MAIL, 'password-reset');
    await s.outbox.drain(); // the first try (enqueue kicked one too; drains do not overlap)
    assert.equal(s.transport.sent.length, 0);
    const tries = s.transport.attempts;
    await s.outbox.drain();
    assert.equal(s.transport.attempts, tries, 'not due yet: no try before the backoff');
    s.clock.advance(backoffMs(tries));
    await s.outbox.drain();
    s.clock.advance(backoffMs(tries + 1));
    await s.outbox.drain();
    s.clock.advance(BACKOFF_MAX_MS);
    await s.outbox.drain();
    assert.deepEqual(s.transport.sent, [MAIL]);
    assert.deepEqual(s.events.map((e) => e.kind), ['retried', 'retried', 'retried', 'sent']);
    assert.deepEqual(await s.outbox.pending(), []);
    assert.ok(s.events.every((e) => !JSON.stringify(e).includes('alice')), 'events carry no address');
  });

  test('a restarted process sends what the previous one left in the store', async () => {
    const a = setup();
    a.transport.failures = 100;
    await a.outbox.enqueue(MAIL, 'factor-added');
    await a.outbox.drain();
    const next = new FlakyTransport();
    const b = new MailOutbox({ store: a.store, clock: a.clock, random: new SeededRandom(4), transport: next });
    a.clock.advance(BACKOFF_MAX_MS);
    await b.drain();
    assert.deepEqual(next.sent, [MAIL]);
    assert.deepEqual(await b.pending(), []);
  });

  test('after the last try the message is dropped and reported', async () => {
    const s = setup();
    s.transport.failures = 1000;
    await s.outbox.enqueue(MAIL, 'password-changed');
    for (let i = 0; i < MAX_ATTEMPTS + 2; i++) {
      await s.outbox.drain();
      s.clock.advance(BACKOFF_MAX_MS);
    }
    assert.equal(s.transport.attempts, MAX_ATTEMPTS);
    assert.equal(s.events.at(-1)?.kind, 'dropped');
    assert.equal((s.events.at(-1) as { error: string }).error, 'ECONNECTION');
    assert.deepEqual(await s.outbox.pending(), []);
  });

  test('two outboxes on one store send a message once', async () => {
    const s = setup();
    const other = new FlakyTransport();
    const b = new MailOutbox({ store: s.store, clock: s.clock, random: new SeededRandom(9), transport: other });
    await s.outbox.enqueue(MAIL, 'password-reset');
    await Promise.all([s.outbox.drain(), b.drain(), s.outbox.drain(), b.drain()]);
    assert.equal(s.transport.sent.length + other.sent.length, 1);
  });
});

describe('mail notifier', () => {
  const notice = (over: Partial<SecurityNotice> = {}): SecurityNotice => ({
    kind: 'password-reset',
    userId: '00u1',
    login: 'alice@example.com',
    email: 'alice@mail.example.com',
    at: Date.UTC(2030, 0, 1, 12, 0, 0),
    ctx: { ...ctx('198.51.100.7'), userAgent: 'Mozilla/5.0 <script>x</script>' },
    ...over,
  });

  function notifier() {
    const s = setup();
    const reports = createReportService({
      idp: new FakeIdp(),
      store: s.store,
      clock: s.clock,
      random: new SeededRandom(5),
      audit: new MemoryAudit(),
      key: 'a-report-link-key-that-is-long-enough-123',
      policy: { ttlSeconds: 3600, suspendUser: false },
    });
    const skipped: string[] = [];
    const mailer = createMailNotifier({
      outbox: s.outbox,
      reports,
      publicUrl: 'https://portal.example.com/base',
      securityAlertTo: 'soc@example.com',
      orgName: 'Example Corp',
      defaultLanguage: 'en',
      reportLinkTtlHours: 72,
      onSkipped: (n) => skipped.push(n.kind),
    });
    return { ...s, reports, mailer, skipped };
  }

  test('what happened, when, from where, and a signed link that opens the report page; text and HTML agree', async () => {
    const n = notifier();
    await n.mailer.notifier.notify(notice());
    await n.outbox.drain();
    const [mail] = n.transport.sent;
    assert.ok(mail);
    assert.equal(mail.to, 'alice@mail.example.com');
    assert.equal(mail.subject, 'Your password was reset');
    assert.match(mail.text, /January 1, 2030 at 12:00 PM UTC/);
    assert.match(mail.text, /198\.51\.100\.7/);
    const link = /https:\/\/portal\.example\.com\/base\/report\/([A-Za-z0-9._-]+)/.exec(mail.text);
    assert.ok(link, 'the link is under PUBLIC_URL');
    assert.equal((await n.reports.check(link[1])).kind, 'password-reset');
    assert.ok(mail.html.includes(`href="${link[0]}"`));
    assert.ok(mail.html.includes('&lt;script&gt;'), 'the browser string is escaped in HTML');
    assert.ok(!/<img|src=|url\(|<link/i.test(mail.html), 'no image, remote resource or tracking pixel');
    assert.equal((mail.html.match(/href=/g) ?? []).length, 1, 'the only link is the report link');
  });

  test('in the request language; no address: nothing queued, counted as skipped', async () => {
    const n = notifier();
    await n.mailer.notifier.notify(notice({ kind: 'factor-added', method: 'sms', ctx: { ...ctx(), language: 'fr' } }));
    await n.mailer.notifier.notify(notice({ email: null }));
    await n.outbox.drain();
    assert.equal(n.transport.sent.length, 1);
    assert.equal(n.transport.sent[0]?.subject, 'Une méthode de sécurité a été ajoutée à votre compte');
    assert.match(n.transport.sent[0]?.text ?? '', /Méthode\u00a0: SMS/);
    assert.deepEqual(n.skipped, ['password-reset']);
  });

  test('the security alert goes to SECURITY_ALERT_EMAIL', async () => {
    const n = notifier();
    await n.mailer.alert({
      userId: '00u1',
      login: 'alice@example.com',
      event: 'password-reset',
      eventAt: Date.UTC(2030, 0, 1),
      eventIp: '198.51.100.7',
      eventUserAgent: 'UA',
      reportedAt: Date.UTC(2030, 0, 2),
      reportIp: '203.0.113.9',
      reportUserAgent: 'UA2',
      suspended: false,
      sessionsEnded: true,
    });
    await n.outbox.drain();
    assert.equal(n.transport.sent[0]?.to, 'soc@example.com');
    assert.match(n.transport.sent[0]?.subject ?? '', /alice@example\.com/);
    assert.match(n.transport.sent[0]?.text ?? '', /203\.0\.113\.9/);
  });
});
