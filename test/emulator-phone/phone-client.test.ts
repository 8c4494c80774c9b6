// The phone page's browser script (phone.js) in happy-dom against the page served on 127.0.0.1 with a stub
// control API: live updates, focus kept across refreshes, announcements, and buttons calling the JSON API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Browser } from 'happy-dom';
import { buildStubApp, fixtureData, HOSTILE, NOW } from './stub-control.js';

async function until(what: string, check: () => boolean, timeoutMs = 4000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('phone.js keeps the page live, keeps focus, announces news and acts through the control API', async () => {
  const data = fixtureData();
  const { app, calls } = await buildStubApp(data);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const browser = new Browser({ settings: { enableJavaScriptEvaluation: true, suppressInsecureJavaScriptEnvironmentWarning: true } });
  try {
    const page = browser.newPage();
    await page.goto(`${address}/_emulator/?result=approved`);
    const doc = page.mainFrame.document;
    const byTestId = (id: string) => doc.querySelector(`[data-testid="${id}"]`);
    await until('first refresh', () => doc.getElementById('live')?.textContent === 'Live');
    assert.equal(page.mainFrame.window.location.search, '', 'the result query is dropped from the address');

    // Focus a button, then let new data arrive through polling.
    const deny = byTestId('push-deny-plain1') as unknown as { focus(): void };
    deny.focus();
    assert.equal(doc.activeElement, deny);
    data.messages.push({ id: 'm4', channel: 'sms', to: '+15555550199', text: '', code: '909090', login: 'new@example.com', sentAt: new Date(NOW).toISOString() });
    data.pushes.push({ transactionId: 'p3', login: 'late@example.com', createdAt: new Date(NOW).toISOString(), expiresAt: new Date(NOW + 61_000).toISOString(), numberChoices: null });
    (data.authenticators[0] as { code: string }).code = '111222';

    await until('new message rendered', () => byTestId('message-code-m4')?.textContent === '909090');
    await until('authenticator code updated', () => byTestId('authenticator-code-totpG')?.textContent === '111222');
    const messageList = byTestId('messages-list');
    assert.equal(messageList?.firstElementChild?.getAttribute('data-key'), 'm4', 'newest message first');
    assert.equal(messageList?.children.length, 4);
    assert.equal(byTestId('push-list')?.firstElementChild?.getAttribute('data-key'), 'p3');
    assert.match(byTestId('push-countdown-p3')?.textContent ?? '', /^Expires in 1:0\d$/);
    assert.equal(doc.activeElement, deny, 'focus survives the refresh');
    assert.equal(doc.querySelector('[data-count="messages"]')?.textContent, '4');
    await until('announcement', () => /New SMS to \+15555550199: code 9 0 9 0 9 0\./.test(doc.getElementById('announcer')?.textContent ?? ''));
    assert.match(doc.getElementById('announcer')?.textContent ?? '', /New push request for late@example\.com\./);

    // A number choice approves through the JSON control API with that answer.
    (byTestId('push-number-v2mst.match1-47') as unknown as { click(): void }).click();
    await until('approve call', () => calls.length === 1);
    assert.deepEqual(calls[0], { action: 'approve', id: 'v2mst.match1', body: { answer: 47 } });
    await until('approved push removed', () => byTestId('push-v2mst.match1') === null);
    assert.equal(byTestId('status')?.textContent, 'Push approved.');

    // Denying the focused push removes it and moves focus to the section heading.
    const denyLate = byTestId('push-deny-p3') as unknown as { focus(): void; click(): void };
    denyLate.focus();
    denyLate.click();
    await until('denied push removed', () => byTestId('push-p3') === null);
    assert.deepEqual(calls[1], { action: 'reject', id: 'p3', body: undefined });
    assert.equal(doc.activeElement, doc.getElementById('push-h'));
    assert.equal(byTestId('status')?.textContent, 'Push denied.');

    // Activation.
    (byTestId('activate-pushPending') as unknown as { click(): void }).click();
    await until('activation listed no more', () => byTestId('activation-pushPending') === null);
    assert.equal(calls[2]?.action, 'activate');
    assert.equal(doc.querySelector('[data-empty="activations"]')?.hasAttribute('hidden'), false);

    // A failing endpoint shows its error and keeps what was shown.
    data.failing.add('/outbox');
    await until('section error', () => doc.querySelector('[data-error="messages"]')?.hasAttribute('hidden') === false);
    assert.match(doc.querySelector('[data-error="messages"]')?.textContent ?? '', /HTTP 500/);
    assert.equal(byTestId('messages-list')?.children.length, 4);
  } finally {
    await browser.close();
    await app.close();
  }
});

test('phone.js keeps the mailbox live: email codes, then notifications as text with their links', async () => {
  const data = fixtureData();
  const { app } = await buildStubApp(data);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const browser = new Browser({ settings: { enableJavaScriptEvaluation: true, suppressInsecureJavaScriptEnvironmentWarning: true } });
  try {
    const page = browser.newPage();
    await page.goto(`${address}/_emulator/`);
    const doc = page.mainFrame.document;
    const byTestId = (id: string) => doc.querySelector(`[data-testid="${id}"]`);
    await until('first refresh', () => doc.getElementById('live')?.textContent === 'Live');
    assert.equal(byTestId('mail-code-value-m3')?.textContent, '777888', 'the email code is in the mailbox');
    assert.equal(byTestId('mail-notes-list')?.children.length, 0);

    data.mail.push({
      id: 'mail1',
      from: 'portal@example.com',
      to: ['jane@example.com'],
      subject: `Your password was reset ${HOSTILE}`,
      text: `It was reset.\n${HOSTILE}\nhttp://127.0.0.1:3000/report/tok.en`,
      html: '<p>ignored</p>',
      links: ['http://127.0.0.1:3000/report/tok.en', 'javascript:alert(1)'],
      receivedAt: new Date(NOW).toISOString(),
    });
    await until('notification rendered', () => byTestId('mail-mail1') !== null);
    const card = byTestId('mail-mail1')!;
    assert.equal(card.querySelector('.subject')?.textContent, `Your password was reset ${HOSTILE}`);
    assert.equal(card.querySelector('script, img'), null, 'hostile text stays text');
    const links = [...card.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    assert.deepEqual(links, ['http://127.0.0.1:3000/report/tok.en'], 'only http(s) links become links');
    assert.equal(doc.querySelector('[data-count="mailbox"]')?.textContent, '2');
    await until('announcement', () => /New email: Your password was reset/.test(doc.getElementById('announcer')?.textContent ?? ''));
  } finally {
    await browser.close();
    await app.close();
  }
});
