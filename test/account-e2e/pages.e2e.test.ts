/**
 * "My security methods" through the HTML pages, as a browser without JavaScript, over real sockets against the
 * emulator: set-up behind a step-up (code and push), the pending action resumed after it, the authenticator-app
 * secret shown once, removal, the password change, the push set-up followed by server-sent events, and the refusals
 * (bad phone number, wrong codes, no fresh step-up).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { totp } from '../helpers/totp.js';
import { groupSecret } from '../../src/views/pages/account-enrol.js';
import {
  authn,
  DEMO_PASSWORD,
  emuNowSeconds,
  emuUser,
  inputValue,
  location,
  outboxCode,
  pendingPush,
  signIn,
  startSignInStack,
  Web,
  type SignInStack,
} from '../auth/support.js';

describe('account pages against the emulator', () => {
  let stack: SignInStack;
  before(async () => {
    stack = await startSignInStack();
  });
  after(() => stack.close());

  const url = (path: string) => `${stack.portal.url}${path}`;
  async function signedIn(login: string): Promise<Web> {
    const web = new Web();
    await signIn(web, stack, login);
    return web;
  }
  /** Posts a form of the page at `page` (its CSRF field) and returns the answer. */
  const submit = (web: Web, page: string, action: string, form: Record<string, string>) => web.submit(url(page), url(action), form);
  const where = (res: Response) => {
    const l = location(res, stack.portal.url);
    return l.pathname + l.search;
  };
  const factorStatus = async (login: string, factorType: string, provider?: string) =>
    (await emuUser(stack.emu.url, login)).factors.find((f) => f.factorType === factorType && (!provider || f.provider === provider))?.status;

  test('add SMS: a refused number, then a step-up by voice code, and the set-up resumes by itself', async () => {
    const login = 'vic.voice@example.com';
    const web = await signedIn(login);
    const home = await (await web.get(url('/account'))).text();
    assert.match(home, /<h1>My security methods<\/h1>/);
    assert.match(home, /Voice call/);
    assert.match(home, /<label for="phone-sms">Phone number<\/label>/);

    const bad = await submit(web, '/account', '/account/enrol', { method: 'sms', phoneNumber: '0555 0199' });
    assert.equal(bad.status, 400);
    const badHtml = await bad.text();
    assert.match(badHtml, /id="phone-sms-error"/);
    assert.match(badHtml, /id="phone-sms"[^>]*aria-invalid="true"/);
    assert.match(badHtml, /value="0555 0199"/, 'the number is kept for correction');

    const asked = await submit(web, '/account', '/account/enrol', { method: 'sms', phoneNumber: '+1 415 555 0199' });
    assert.equal(asked.status, 303);
    assert.equal(where(asked), '/account/verify', 'a step-up first');
    assert.equal(await factorStatus(login, 'sms'), undefined, 'nothing enrolled yet');

    const choose = await (await web.get(url('/account/verify'))).text();
    assert.match(choose, /Before you set up a new method/);
    assert.match(choose, /value="clfDemoVicVoice00001"/);
    const started = await submit(web, '/account/verify', '/account/verify', { factorId: 'clfDemoVicVoice00001' });
    assert.equal(where(started), '/account/verify/code');
    const codePage = await (await web.get(url('/account/verify/code'))).text();
    assert.match(codePage, /We are calling your phone with a code/);

    const wrong = await submit(web, '/account/verify/code', '/account/verify/code', { code: '000001' });
    assert.equal(wrong.status, 400);
    assert.match(await wrong.text(), /aria-invalid="true"/);

    const voiceCode = await outboxCode(stack.emu.url, login);
    const verified = await submit(web, '/account/verify/code', '/account/verify/code', { code: voiceCode.replace(/^(\d{3})/, '$1 ') });
    assert.equal(where(verified), '/account/enrol/code', 'the pending set-up ran after the step-up');
    const enrolPage = await (await web.get(url('/account/enrol/code'))).text();
    assert.match(enrolPage, /We sent a code by text message to/);
    assert.doesNotMatch(enrolPage, /4155550199/, 'the number is masked');
    assert.equal(await factorStatus(login, 'sms'), 'PENDING_ACTIVATION');

    const done = await submit(web, '/account/enrol/code', '/account/enrol/code', { code: await outboxCode(stack.emu.url, login) });
    assert.equal(where(done), '/account?done=added');
    const after = await (await web.get(url('/account?done=added'))).text();
    assert.match(after, /role="status">The method is set up and ready to use\./);
    assert.equal(await factorStatus(login, 'sms'), 'ACTIVE');
  });

  test('Okta Verify push set-up: the QR image, and the page follows the activation (server-sent events)', async () => {
    const login = 'sam.sms@example.com';
    const web = await signedIn(login);
    const asked = await submit(web, '/account', '/account/enrol', { method: 'push' });
    assert.equal(where(asked), '/account/verify');
    assert.equal(where(await submit(web, '/account/verify', '/account/verify', { factorId: 'smsDemoSamSms0000001' })), '/account/verify/code');
    const after = await submit(web, '/account/verify/code', '/account/verify/code', { code: await outboxCode(stack.emu.url, login) });
    assert.equal(where(after), '/account/enrol/push');

    const page = await (await web.get(url('/account/enrol/push'))).text();
    assert.match(page, /<img src="data:image\/png;base64,[A-Za-z0-9+/=]+" alt="QR code to scan with the app"/);
    assert.match(page, /data-push-events-url="\/account\/enrol\/events"/);
    assert.match(page, /<script src="\/assets\/push\.[0-9a-f]+\.js" defer><\/script>/);

    const ac = new AbortController();
    const events = await fetch(url('/account/enrol/events'), { headers: { cookie: web.cookieHeader(), accept: 'text/event-stream' }, signal: ac.signal });
    assert.equal(events.status, 200);
    assert.match(events.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = events.body!.getReader();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString('utf8');
      }
      return text.includes(needle);
    };
    assert.ok(await readUntil('"state":"waiting"'));
    const factor = (await emuUser(stack.emu.url, login)).factors.find((f) => f.factorType === 'push')!;
    assert.equal((await fetch(`${stack.emu.url}/_emulator/factors/${factor.id}/activate`, { method: 'POST' })).status, 200);
    assert.ok(await readUntil('"state":"verified"'), 'the stream reports the activation');
    ac.abort();

    const back = await web.get(url('/account/enrol/push'));
    assert.equal(where(back), '/account?done=added');
    assert.equal(await factorStatus(login, 'push'), 'ACTIVE');
  });

  test('authenticator app behind a push step-up: continue page, secret shown once, then removal and password change', async () => {
    const login = 'pat.push@example.com';
    const web = await signedIn(login);
    const asked = await submit(web, '/account', '/account/enrol', { method: 'google-authenticator' });
    assert.equal(where(asked), '/account/verify');

    const started = await submit(web, '/account/verify', '/account/verify', { factorId: 'opfDemoPatPush000001' });
    assert.equal(where(started), '/account/verify/push');
    const pushPage = await (await web.get(url('/account/verify/push'))).text();
    const number = /id="push-number">(\d+)</.exec(pushPage)?.[1];
    assert.ok(number, 'the number to tap');
    assert.match(pushPage, /data-push-next-url="\/account\/continue"/);
    const push = await pendingPush(stack.emu.url, login);
    await fetch(`${stack.emu.url}/_emulator/push/${push.transactionId}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ answer: Number(number) }),
    });
    let res = await web.get(url('/account/verify/push'));
    for (let i = 0; i < 20 && res.status === 200; i++) {
      await new Promise((r) => setTimeout(r, 250));
      res = await web.get(url('/account/verify/push'));
    }
    assert.equal(where(res), '/account/continue');
    const cont = await (await web.get(url('/account/continue'))).text();
    assert.match(cont, /Continue to set up Google Authenticator\./);

    // The secret is in the answer to the POST that starts the set-up, and nowhere after.
    const totpRes = await submit(web, '/account/continue', '/account/continue', {});
    assert.equal(totpRes.status, 200);
    const totpPage = await totpRes.text();
    assert.match(totpPage, /<img src="data:image\/png;base64,[^"]+" alt="QR code to scan with the app" width="200" height="200">/);
    const secret = /<code id="totp-secret">([A-Z2-7 ]+)<\/code>/.exec(totpPage)?.[1]?.replace(/ /g, '');
    assert.ok(secret && secret.length >= 16, 'the secret as text');
    const reload = await (await web.get(url('/account/enrol/totp'))).text();
    assert.doesNotMatch(reload, new RegExp(secret.slice(0, 8)), 'not shown again');
    assert.match(reload, /shown only once/);

    const real = totp(secret, await emuNowSeconds(stack.emu.url));
    // A wrong code typed on the page that shows the key keeps the QR code and the key (carried sealed by the form);
    // the same form without its sealed copy (a reloaded page) does not show them.
    const wrongCode = real === '123456' ? '654321' : '123456';
    const sealed = inputValue(totpPage, 'totpSetup');
    assert.ok(sealed, 'the set-up page carries its sealed QR code and key');
    const wrong = await web.postForm(url('/account/enrol/code'), { _csrf: inputValue(totpPage, '_csrf')!, code: wrongCode, totpSetup: sealed });
    assert.equal(wrong.status, 400);
    const wrongHtml = await wrong.text();
    assert.match(wrongHtml, new RegExp(groupSecret(secret)));
    assert.match(wrongHtml, /<img src="data:image\/png;base64,/);
    const tampered = await web.postForm(url('/account/enrol/code'), { _csrf: inputValue(totpPage, '_csrf')!, code: wrongCode, totpSetup: `${sealed.slice(0, -4)}AAAA` });
    assert.equal(tampered.status, 400);
    assert.doesNotMatch(await tampered.text(), new RegExp(secret.slice(0, 8)), 'an altered copy is ignored');
    const done = await submit(web, '/account/enrol/totp', '/account/enrol/code', { code: real });
    assert.equal(where(done), '/account?done=added');
    assert.equal(await factorStatus(login, 'token:software:totp', 'GOOGLE'), 'ACTIVE');

    // Removal (the step-up is still fresh): a POST from the overview.
    const home = await (await web.get(url('/account'))).text();
    const googleId = (await emuUser(stack.emu.url, login)).factors.find((f) => f.provider === 'GOOGLE')!.id;
    assert.match(home, new RegExp(`name="factor" value="${googleId}">\\s*<button type="submit" class="secondary">Remove<span class="vh"> Google Authenticator</span>`));
    const direct = await web.postForm(url('/account/factors/remove'), { _csrf: inputValue(home, '_csrf')!, factorId: googleId });
    assert.equal(where(direct), `/account/factors/remove?factor=${googleId}`, 'nothing is removed without the confirmation page');
    const confirm = await (await web.get(url(`/account/factors/remove?factor=${googleId}`))).text();
    const removed = await web.postForm(url('/account/factors/remove'), { _csrf: inputValue(confirm, '_csrf')!, factorId: googleId, confirm: 'yes' });
    assert.equal(where(removed), '/account?done=removed');
    assert.equal(await factorStatus(login, 'token:software:totp', 'GOOGLE'), undefined);

    // Password change (still fresh): Okta's refusal shown on the form, then the change.
    const form = await (await web.get(url('/account/password'))).text();
    assert.match(form, /<label for="currentPassword">Current password<\/label>/);
    const badCurrent = await web.postForm(url('/account/password'), {
      _csrf: inputValue(form, '_csrf')!,
      currentPassword: 'Wrong-Password-9',
      newPassword: 'Brand-New-Secret-2031',
      confirmPassword: 'Brand-New-Secret-2031',
    });
    assert.equal(badCurrent.status, 400);
    const badHtml = await badCurrent.text();
    assert.match(badHtml, /id="current-error"/);
    assert.doesNotMatch(badHtml, /Brand-New-Secret-2031|Wrong-Password-9/, 'passwords are never echoed');
    const changed = await submit(web, '/account/password', '/account/password', {
      currentPassword: DEMO_PASSWORD,
      newPassword: 'Brand-New-Secret-2031',
      confirmPassword: 'Brand-New-Secret-2031',
    });
    assert.equal(where(changed), '/account?done=password');
    assert.equal(await authn(stack.emu.url, login, 'Brand-New-Secret-2031'), 200);
  });

  test('the language switch returns to the account page, in French', async () => {
    const web = await signedIn('emma.email@example.com');
    const en = await (await web.get(url('/account'))).text();
    const toFr = /<a href="([^"]+)" lang="fr"/.exec(en)?.[1]?.replace(/&amp;/g, '&');
    assert.equal(toFr, '/lang?to=fr&back=%2Faccount');
    const res = await web.get(url(toFr));
    assert.equal(where(res), '/account');
    const fr = await (await web.get(url('/account'))).text();
    assert.match(fr, /<h1>Mes méthodes de sécurité<\/h1>/);
    assert.match(fr, /Connecté en tant que/);
  });

  test('without a fresh step-up nothing sensitive happens: removal and the password form wait for it', async () => {
    const login = 'alex.all@example.com';
    const web = await signedIn(login);
    const home = await (await web.get(url('/account'))).text();
    const res = await web.postForm(url('/account/factors/remove'), { _csrf: inputValue(home, '_csrf')!, factorId: 'smsDemoAlexAll000001', confirm: 'yes' });
    assert.equal(where(res), '/account/verify');
    assert.equal(await factorStatus(login, 'sms'), 'ACTIVE', 'still there');
    const choose = await (await web.get(url('/account/verify'))).text();
    assert.match(choose, /Before you remove a method/);
    assert.doesNotMatch(choose, /value="emfDemoAlexAll000001"/, 'e-mail is not offered for step-up');
    assert.equal(where(await web.get(url('/account/continue'))), '/account/verify', 'no continuing without the step-up');
    assert.equal(where(await web.get(url('/account/password'))), '/account/verify');
  });
});
