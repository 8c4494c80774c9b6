// The emulator's mailbox (issue 14, items 2 and 4): a real SMTP listener keeps what it receives (/_emulator/mail), and
// the phone page shows email codes and, below them, those notifications, as text (hostile content escaped), with
// their http(s) links as links. Only loopback is contacted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTransport } from 'nodemailer';
import { startEmulator, type RunningEmulator } from '../../emulator/src/server.js';

let emu: RunningEmulator;

before(async () => {
  emu = await startEmulator();
});
after(() => emu?.close());

async function control(method: string, path: string): Promise<unknown> {
  const res = await fetch(`${emu.url}/_emulator/${path}`, { method, headers: { accept: 'application/json' } });
  return res.json();
}

function transport() {
  assert.ok(emu.smtpUrl?.startsWith('smtp://127.0.0.1:'));
  return createTransport({ url: emu.smtpUrl ?? undefined, ignoreTLS: true });
}

describe('emulator mailbox', () => {
  test('mail sent over SMTP is kept, parsed (text, HTML, links) and listed per recipient', async () => {
    await control('DELETE', 'mail');
    await transport().sendMail({
      from: 'portal@example.com',
      to: 'jane@example.org',
      subject: 'Your password was changed <b>',
      text: 'It was changed.\nThis wasn\'t me: http://127.0.0.1:3000/report/abc.def\n',
      html: '<p>It was changed.</p>',
    });
    const { mail } = (await control('GET', 'mail')) as { mail: Array<Record<string, unknown>> };
    assert.equal(mail.length, 1);
    assert.equal(mail[0]?.subject, 'Your password was changed <b>');
    assert.deepEqual(mail[0]?.to, ['jane@example.org']);
    assert.equal(mail[0]?.from, 'portal@example.com');
    assert.deepEqual(mail[0]?.links, ['http://127.0.0.1:3000/report/abc.def']);
    assert.match(String(mail[0]?.html), /<p>It was changed/);
    assert.equal(((await control('GET', 'mail?to=JANE@example.org')) as { mail: unknown[] }).mail.length, 1);
    assert.equal(((await control('GET', 'mail?to=other@example.org')) as { mail: unknown[] }).mail.length, 0);

    const page = await (await fetch(`${emu.url}/_emulator/`)).text();
    assert.match(page, /Your password was changed &lt;b&gt;/, 'the subject is escaped');
    assert.match(page, /<a href="http:\/\/127\.0\.0\.1:3000\/report\/abc\.def" data-testid="mail-link">/);
    assert.ok(!page.includes('<p>It was changed.</p>'), 'the HTML part is never rendered as markup');
  });

  test('an email factor code lands in the mailbox codes; a reset empties the mailbox', async () => {
    await control('DELETE', 'mail');
    await transport().sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 's', text: 't' });
    await control('POST', 'reset');
    assert.deepEqual(((await control('GET', 'mail')) as { mail: unknown[] }).mail, []);
    const page = await (await fetch(`${emu.url}/_emulator/`)).text();
    assert.match(page, /data-testid="mail-codes-list"/);
    assert.match(page, /No notifications yet\./);
  });

  test('an oversized message is refused and nothing is kept', async () => {
    await control('DELETE', 'mail');
    await assert.rejects(
      transport().sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'big', text: 'x'.repeat(1_200_000) }),
      (err: Error & { responseCode?: number }) => err.responseCode === 552,
    );
    assert.deepEqual(((await control('GET', 'mail')) as { mail: unknown[] }).mail, []);
    assert.equal((await fetch(`${emu.url}/_emulator/mail?bogus=1`)).status, 400);
  });
});
