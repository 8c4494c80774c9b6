/**
 * "My security methods" tells the user by email (issue 14, item 4), end to end: the portal signed in against the
 * emulator (demo org) with SMTP_URL on the emulator's mailbox; a factor added and a password changed each arrive there,
 * addressed to the ID token's email (no extra Okta read), with a "This wasn't me" link.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { totp } from '../helpers/totp.js';
import { DEMO_PASSWORD, emuNowSeconds, outboxCode, signIn, startSignInStack, Web, type SignInStack } from '../auth/support.js';

interface Mail {
  to: string[];
  subject: string;
  text: string;
  links: string[];
}

describe('account notifications against the emulator', () => {
  let stack: SignInStack;
  before(async () => {
    stack = await startSignInStack({ env: (emu) => ({ SMTP_URL: emu.smtpUrl ?? '', MAIL_FROM: 'Portal <no-reply@example.com>' }) });
  });
  after(() => stack.close());

  async function mailTo(address: string, subject: string): Promise<Mail> {
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${stack.emu.url}/_emulator/mail?to=${encodeURIComponent(address)}`);
      const { mail } = (await res.json()) as { mail: Mail[] };
      const found = mail.find((m) => m.subject === subject);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`no "${subject}" mail to ${address}`);
  }
  const api = <T = Record<string, unknown>>(web: Web, method: 'GET' | 'POST', path: string, body?: unknown) =>
    web.api<T>(stack.portal.url, method, `/api/v1/account${path}`, body);

  test('a factor added and a password changed are mailed to the signed-in user', async () => {
    const login = 'nora.none@example.com';
    const email = login; // the demo org's users have their login as primary email
    const web = new Web();
    await signIn(web, stack, login);
    const start = await api<{ secret: string }>(web, 'POST', '/enrolment', { method: 'google-authenticator' });
    assert.equal(start.status, 200);
    const code = totp(start.body.secret, await emuNowSeconds(stack.emu.url));
    assert.equal((await api(web, 'POST', '/enrolment/activate', { code })).status, 200);
    const added = await mailTo(email, 'A security method was added to your account');
    assert.match(added.text, /Google Authenticator/);
    assert.equal(added.links.length, 1);
    assert.ok(added.links[0]!.startsWith(`${stack.portal.url}/report/`));

    const sam = 'sam.sms@example.com';
    const samWeb = new Web();
    await signIn(samWeb, stack, sam);
    assert.equal((await api(samWeb, 'POST', '/step-up', { factorId: 'smsDemoSamSms0000001' })).status, 200);
    assert.equal((await api(samWeb, 'POST', '/step-up/verify', { code: await outboxCode(stack.emu.url, sam) })).status, 200);
    const input = { currentPassword: DEMO_PASSWORD, newPassword: 'Brand-New-Pass-88', confirmPassword: 'Brand-New-Pass-88' };
    assert.equal((await api(samWeb, 'POST', '/password', input)).status, 200);
    const changed = await mailTo(sam, 'Your password was changed');
    assert.match(changed.text, /The password of your account was changed\./);
  });
});
