/**
 * Property (issue 13, item 3): a refused recovery form answers with a redirect (Post/Redirect/Get) whose URL and
 * cookies never carry what the user typed as a secret: not the code, not the passwords, not the ott. Only the flash
 * cookie carries the error, and it is signed: a flash the server did not sign is ignored.
 * Written with the flash (there was no flash before); it guards the mechanism against a later "keep the code
 * typed" or "put the error in the query string" change.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Browser, field, harness, type Harness } from '../http/helpers.js';

/** Everything a redirect shows the outside world: its Location and every cookie it sets, decoded where encoded. */
function exposed(res: Awaited<ReturnType<Browser['post']>>): string {
  const cookies = (res.cookies as Array<{ name: string; value: string }>).map((c) => {
    const raw = decodeURIComponent(c.value);
    const decoded = Buffer.from(raw.split('.')[0] ?? '', 'base64url').toString('utf8');
    return `${c.name}=${raw} ${decoded}`;
  });
  return `${String(res.headers.location ?? '')} ${cookies.join(' ')}`;
}

describe('refused forms never carry a secret', () => {
  let h: Harness;
  let b: Browser;
  let ott = '';

  before(async () => {
    h = await harness();
    b = new Browser(h.app);
    await b.get('/recover');
    await b.post('/recover', { username: 'alice@example.com' });
    await b.get('/recover/method');
    await b.post('/recover/method', { method: 'google-authenticator' });
    await b.get('/recover/code');
  });
  after(() => h?.close());

  test('a wrong code: the redirect and its cookies hold no part of the code', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[0-9]{6,8}$/).filter((c) => c !== '123456' && !c.startsWith('123456')), async (code) => {
        await b.get('/recover/code');
        const res = await b.post('/recover/code', { code });
        assert.equal(res.statusCode, 303);
        assert.ok(!exposed(res).includes(code), `the code ${code} leaked`);
      }),
      { numRuns: 3 }, // the flow allows a few wrong codes before it locks
    );
  });

  test('refused passwords: the redirect and its cookies hold neither password nor the ott', async () => {
    await b.get('/recover/code');
    const verified = await b.post('/recover/code', { code: '123456' });
    assert.equal(verified.headers.location, '/recover/password', `verified: ${String(verified.headers.location)}`);
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 4, maxLength: 40 }).filter((s) => /^[\x21-\x7e]+$/.test(s)), fc.boolean(), async (pw, mismatch) => {
        const page = await b.get('/recover/password');
        ott = field(page.body, 'ott') ?? '';
        assert.ok(ott.length >= 43, `no ott on the password page (${page.statusCode} ${String(page.headers.location)})`);
        const res = await b.post('/recover/password', { ott, password: pw, confirmPassword: mismatch ? `${pw}x` : pw.slice(0, 3) });
        assert.equal(res.statusCode, 303);
        const seen = exposed(res);
        assert.ok(!seen.includes(pw), 'the password leaked');
        assert.ok(!seen.includes(ott), 'the ott leaked');
      }),
      { numRuns: 25 },
    );
  });

  test('a flash the server did not sign is ignored', async () => {
    const forged = Buffer.from(JSON.stringify({ page: '/recover/password', code: 'PASSWORD_BREACHED', status: 400 })).toString('base64url');
    b.jar.cookies.set('flash', `${forged}.AAAA`);
    const page = await b.get('/recover/password');
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /data breach/);
  });
});
