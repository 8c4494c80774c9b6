// The emulated phone page (emulator/src/phone): server rendering from the control API, escaping, headers,
// assets, and the no-JS form endpoints. The control API is a stub here (stub-control.ts); one test at the
// end drives the real emulator when it is available.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { Script } from 'node:vm';
import type { FastifyInstance } from 'fastify';
import { buildStubApp, fixtureData, HOSTILE, type ActionCall, type StubData } from './stub-control.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function withApp(fn: (app: FastifyInstance, calls: ActionCall[], data: StubData) => Promise<void>, data = fixtureData()): Promise<void> {
  const { app, calls } = await buildStubApp(data);
  try {
    await fn(app, calls, data);
  } finally {
    await app.close();
  }
}

/** Text of the element carrying data-testid="<id>" (the page's markup has no nested tags inside these). */
function testIdText(body: string, id: string): string | undefined {
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`data-testid="${escaped}"[^>]*>([^<]*)<`).exec(body)?.[1];
}

describe('phone page rendering', () => {
  test('renders messages (newest first), pushes, authenticators and pending activations from the control API', async () => {
    await withApp(async (app) => {
      const res = await app.inject({ method: 'GET', url: '/_emulator/' });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/html; charset=utf-8/);
      const body = res.body;

      assert.equal(testIdText(body, 'message-code-m1'), '123456');
      assert.equal(testIdText(body, 'message-code-m2'), '654321');
      assert.ok(body.indexOf('data-testid="message-m3"') < body.indexOf('data-testid="message-m2"'), 'newest first');
      assert.ok(body.indexOf('data-testid="message-m2"') < body.indexOf('data-testid="message-m1"'), 'newest first');
      assert.match(body, /Your verification code is 6 5 4 3 2 1/, 'a voice message without text reads its digits');
      assert.match(body, /Voice call/);
      assert.match(body, /03:03:05 UTC/, 'sent time shown');

      // Number matching: the choices are buttons; the plain push has Approve and Deny.
      for (const n of [12, 47, 83]) {
        assert.match(body, new RegExp(`name="answer" value="${n}" data-testid="push-number-v2mst\\.match1-${n}"`));
      }
      assert.doesNotMatch(body, /push-approve-v2mst\.match1/, 'no plain Approve under number matching');
      assert.match(body, /data-testid="push-deny-v2mst\.match1"/);
      assert.match(body, /data-testid="push-approve-plain1"/);
      // Okta's push carries no purpose (only the browser's User-Agent and X-Forwarded-For): neutral wording, so a
      // password reset is not called a sign-in.
      assert.match(body, /<p class="question">Is this you\?/);
      assert.doesNotMatch(body, /Did you just try to sign in/);
      assert.equal(testIdText(body, 'push-countdown-v2mst.match1'), 'Expires in 2:05');

      assert.equal(testIdText(body, 'authenticator-code-totpG'), '246810');
      assert.equal(testIdText(body, 'authenticator-code-totpO'), '135790');
      assert.equal(testIdText(body, 'authenticator-seconds-totpG'), '17 s left');
      assert.match(body, /Google Authenticator/);
      assert.match(body, /Okta Verify/);

      assert.match(body, /data-testid="activate-pushPending"/);
      assert.doesNotMatch(body, /activate-smsPending/, 'only push enrolments are activated on the phone');
      assert.doesNotMatch(body, /activate-push1"/, 'an active factor is not listed');

      for (const label of ['Messages', 'Push requests', 'Authenticator apps', 'Pending Okta Verify activations']) {
        assert.match(body, new RegExp(`<section [^>]*aria-labelledby="[a-z]+-h">\\s*<h2 id="[a-z]+-h"[^>]*>${label} `));
      }
      assert.match(body, /aria-live="polite"/);
    });
  });

  test('escapes hostile strings everywhere they appear', async () => {
    const data = fixtureData();
    data.messages.push({ id: 'x"><b>', channel: 'sms', to: '1', text: 't', code: '1', sentAt: null });
    await withApp(async (app) => {
      const body = (await app.inject({ method: 'GET', url: '/_emulator/' })).body;
      assert.doesNotMatch(body, /<script>alert|<img src=x|<b>/);
      assert.ok(!body.includes(HOSTILE));
      assert.match(body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;img src=x onerror=alert\(2\)&gt;&quot;&#39;&amp;/);
      assert.match(body, /data-testid="message-code-x&quot;&gt;&lt;b&gt;"/, 'ids in attributes are escaped too');
    }, data);
  });

  test('sends a strict CSP, no-store, and contains no inline script, style or event handler', async () => {
    await withApp(async (app) => {
      const res = await app.inject({ method: 'GET', url: '/_emulator/' });
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /(^|; )default-src 'self'(;|$)/);
      assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.equal(res.headers['cache-control'], 'no-store');
      const scripts = [...res.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      assert.equal(scripts.length, 1);
      for (const [, attrs, inner] of scripts) {
        assert.match(attrs ?? '', /\bsrc="\/_emulator\/assets\/phone\.js"/);
        assert.equal(inner, '');
      }
      assert.doesNotMatch(res.body, /<style|<[a-z][^>]*\s(style|on[a-z]+)=/i);
    });
  });

  test('shows a whitelisted result banner only', async () => {
    await withApp(async (app) => {
      const ok = await app.inject({ method: 'GET', url: '/_emulator/?result=wrong-number' });
      assert.equal(testIdText(ok.body, 'status'), 'That number was wrong: the push was rejected.');
      const odd = await app.inject({ method: 'GET', url: `/_emulator/?result=${encodeURIComponent('<b>hi</b>')}` });
      assert.match(odd.body, /data-testid="status" hidden><\/p>/);
      assert.doesNotMatch(odd.body, /<b>hi/);
    });
  });

  test('a failing control endpoint turns into a section error, the rest still renders', async () => {
    const data = fixtureData();
    data.failing.add('/outbox');
    await withApp(async (app) => {
      const res = await app.inject({ method: 'GET', url: '/_emulator/' });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /data-error="messages">Could not load: the control API answered HTTP 500\.</);
      assert.match(res.body, /data-error="push" hidden>/);
      assert.equal(testIdText(res.body, 'authenticator-code-totpG'), '246810');
    }, data);
  });

  test('/_emulator redirects to /_emulator/, and an ignoreTrailingSlash server registers without conflict', async () => {
    await withApp(async (app) => {
      const res = await app.inject({ method: 'GET', url: '/_emulator' });
      assert.equal(res.statusCode, 301);
      assert.equal(res.headers.location, '/_emulator/');
    });
    const { app } = await buildStubApp(fixtureData(), { routerOptions: { ignoreTrailingSlash: true } });
    try {
      const res = await app.inject({ method: 'GET', url: '/_emulator' });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Emulated phone/);
    } finally {
      await app.close();
    }
  });
});

describe('phone assets', () => {
  test('serves CSS, a syntactically valid script and the icon with their content types and ETags', async () => {
    await withApp(async (app) => {
      const css = await app.inject({ method: 'GET', url: '/_emulator/assets/phone.css' });
      assert.equal(css.statusCode, 200);
      assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
      assert.match(css.body, /:focus-visible/);

      const js = await app.inject({ method: 'GET', url: '/_emulator/assets/phone.js' });
      assert.equal(js.statusCode, 200);
      assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
      assert.equal(js.headers['x-content-type-options'], 'nosniff');
      assert.doesNotThrow(() => new Script(js.body, { filename: 'phone.js' }));
      assert.doesNotMatch(js.body, /innerHTML|eval\(|new Function/);

      const icon = await app.inject({ method: 'GET', url: '/_emulator/assets/icon.svg' });
      assert.equal(icon.headers['content-type'], 'image/svg+xml');

      const etag = String(js.headers.etag);
      const again = await app.inject({ method: 'GET', url: '/_emulator/assets/phone.js', headers: { 'if-none-match': etag } });
      assert.equal(again.statusCode, 304);
      assert.equal(again.body, '');

      for (const name of ['nope.js', '..%2Fpage.ts', 'phone.css%00']) {
        assert.equal((await app.inject({ method: 'GET', url: `/_emulator/assets/${name}` })).statusCode, 404);
      }
    });
  });
});

describe('phone form endpoints (no JavaScript)', () => {
  test('a number choice approves with that answer and redirects 303 with the outcome', async () => {
    await withApp(async (app, calls) => {
      const res = await app.inject({ method: 'POST', url: '/_emulator/phone/push/v2mst.match1/approve', headers: FORM, payload: 'answer=47' });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/_emulator/?result=approved#push');
      assert.deepEqual(calls, [{ action: 'approve', id: 'v2mst.match1', body: { answer: 47 } }]);
    });
  });

  test('a wrong number is reported as a rejected push', async () => {
    await withApp(async (app) => {
      const res = await app.inject({ method: 'POST', url: '/_emulator/phone/push/v2mst.match1/approve', headers: FORM, payload: 'answer=12' });
      assert.equal(res.headers.location, '/_emulator/?result=wrong-number#push');
    });
  });

  test('Approve without number matching, Deny and Activate call the control API', async () => {
    await withApp(async (app, calls, data) => {
      const approve = await app.inject({ method: 'POST', url: '/_emulator/phone/push/plain1/approve', headers: FORM, payload: '' });
      assert.equal(approve.headers.location, '/_emulator/?result=approved#push');
      const deny = await app.inject({ method: 'POST', url: '/_emulator/phone/push/v2mst.match1/reject' });
      assert.equal(deny.statusCode, 303);
      assert.equal(deny.headers.location, '/_emulator/?result=denied#push');
      const activate = await app.inject({ method: 'POST', url: '/_emulator/phone/factors/pushPending/activate' });
      assert.equal(activate.statusCode, 303);
      assert.equal(activate.headers.location, '/_emulator/?result=activated#activations');
      assert.deepEqual(calls.map((c) => `${c.action}:${c.id}`), ['approve:plain1', 'reject:v2mst.match1', 'activate:pushPending']);
      assert.equal(data.pushes.length, 0);
      const page = await app.inject({ method: 'GET', url: '/_emulator/' });
      assert.doesNotMatch(page.body, /activate-pushPending/, 'the activated factor is no longer pending');
    });
  });

  test('an unknown transaction comes back as "gone"', async () => {
    await withApp(async (app) => {
      const res = await app.inject({ method: 'POST', url: '/_emulator/phone/push/unknown1/reject' });
      assert.equal(res.headers.location, '/_emulator/?result=gone#push');
    });
  });

  test('bad ids and answers get a 400 page and never reach the control API', async () => {
    await withApp(async (app, calls) => {
      const cases = [
        { url: '/_emulator/phone/push/v2mst.match1/approve', payload: 'answer=abc' },
        { url: '/_emulator/phone/push/v2mst.match1/approve', payload: 'answer=1&answer=2' },
        { url: '/_emulator/phone/push/..%2Freset/reject', payload: '' },
        { url: '/_emulator/phone/push/.../reject', payload: '' },
        { url: `/_emulator/phone/factors/${encodeURIComponent('<b>')}/activate`, payload: '' },
      ];
      for (const c of cases) {
        const res = await app.inject({ method: 'POST', url: c.url, headers: FORM, payload: c.payload });
        assert.equal(res.statusCode, 400, c.url);
        assert.match(String(res.headers['content-type']), /^text\/html/);
        assert.doesNotMatch(res.body, /<b>|at .*\.ts:\d+/);
      }
      assert.deepEqual(calls, []);
    });
  });

  test('cross-site posts are refused', async () => {
    await withApp(async (app, calls) => {
      const foreign = await app.inject({ method: 'POST', url: '/_emulator/phone/push/plain1/approve', headers: { ...FORM, origin: 'https://evil.example' }, payload: '' });
      assert.equal(foreign.statusCode, 403);
      const nullOrigin = await app.inject({ method: 'POST', url: '/_emulator/phone/push/plain1/reject', headers: { origin: 'null' } });
      assert.equal(nullOrigin.statusCode, 403);
      const fetchMeta = await app.inject({ method: 'POST', url: '/_emulator/phone/factors/pushPending/activate', headers: { 'sec-fetch-site': 'cross-site' } });
      assert.equal(fetchMeta.statusCode, 403);
      assert.deepEqual(calls, []);
      const sameOrigin = await app.inject({ method: 'POST', url: '/_emulator/phone/push/plain1/reject', headers: { origin: 'http://localhost:80', host: 'localhost:80', 'sec-fetch-site': 'same-origin' } });
      assert.equal(sameOrigin.statusCode, 303);
      assert.equal(calls.length, 1);
    });
  });
});

// The real emulator, when it exists: the page must render what the real control API reports.
const serverPath = new URL('../../emulator/src/server.ts', import.meta.url);
test('renders the real emulator\'s state', { skip: !existsSync(serverPath) && 'emulator/src/server.ts not written yet' }, async (t) => {
  const mod = (await import(serverPath.href)) as { buildEmulator?: (options?: object) => unknown; DEFAULT_API_TOKEN?: string };
  const built = typeof mod.buildEmulator === 'function' ? ((await mod.buildEmulator({})) as object) : null;
  const app = built !== null && 'inject' in built ? (built as FastifyInstance) : (built as { app?: FastifyInstance } | null)?.app;
  if (app === undefined) return t.skip('buildEmulator() has an unexpected shape');
  try {
    const page = await app.inject({ method: 'GET', url: '/_emulator/' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Emulated phone/);
    assert.doesNotMatch(page.body, /Could not load/, 'every control endpoint the page reads answers in the expected shape');
    const auths = (await app.inject({ method: 'GET', url: '/_emulator/authenticators' })).json<{ authenticators: { factorId: string; code: string }[] }>();
    assert.ok(auths.authenticators.length > 0, 'the demo org has authenticator apps');
    for (const a of auths.authenticators) assert.ok(page.body.includes(`data-testid="authenticator-code-${a.factorId}">${a.code}<`), a.factorId);
    const bare = await app.inject({ method: 'GET', url: '/_emulator' });
    assert.ok(bare.statusCode === 200 || bare.headers.location === '/_emulator/', 'the page answers without the slash too');
    assert.equal((await app.inject({ method: 'GET', url: '/_emulator/assets/phone.js' })).statusCode, 200);

    // A push started through the Okta API shows on the phone, and the no-JS Approve form answers it.
    const users = (await app.inject({ method: 'GET', url: '/_emulator/users' })).json<{ users: { id: string; factors: { id: string; factorType: string; status: string }[] }[] }>();
    const owner = users.users.find((u) => u.factors.some((f) => f.factorType === 'push' && f.status === 'ACTIVE'));
    const factor = owner?.factors.find((f) => f.factorType === 'push' && f.status === 'ACTIVE');
    if (owner === undefined || factor === undefined || mod.DEFAULT_API_TOKEN === undefined) return;
    const verify = await app.inject({
      method: 'POST',
      url: `/api/v1/users/${owner.id}/factors/${factor.id}/verify`,
      headers: { authorization: `SSWS ${mod.DEFAULT_API_TOKEN}` },
      payload: {},
    });
    assert.equal(verify.statusCode, 201);
    const pushes = (await app.inject({ method: 'GET', url: '/_emulator/push' })).json<{ pushes: { transactionId: string; factorId: string }[] }>();
    const tx = pushes.pushes.find((p) => p.factorId === factor.id)?.transactionId;
    assert.ok(tx !== undefined);
    const withPush = await app.inject({ method: 'GET', url: '/_emulator/' });
    assert.ok(withPush.body.includes(`data-testid="push-approve-${tx}"`));
    const approve = await app.inject({ method: 'POST', url: `/_emulator/phone/push/${tx}/approve`, headers: FORM, payload: '' });
    assert.equal(approve.statusCode, 303);
    assert.equal(approve.headers.location, '/_emulator/?result=approved#push');
    const after = await app.inject({ method: 'GET', url: '/_emulator/' });
    assert.ok(!after.body.includes(`data-testid="push-${tx}"`), 'the answered push is gone');
  } finally {
    await app.close();
  }
});
