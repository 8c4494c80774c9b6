/**
 * The pages' live and configurable parts over inject(): the push-events stream (server-sent events, never the
 * ott, no status() call after 'verified'), the language switch (cookie, Accept-Language, no open redirect),
 * branding assets (theme CSS, sandboxed logo), password requirements, masked method hints, pasted codes.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { PortalError } from '../../src/core/errors.js';
import { buildApp } from '../../src/http/app.js';
import { pastedCode } from '../../src/http/pages/routes.js';
import { httpConfig } from './helpers.js';
import { STUB_HANDLE, StubRecovery } from './stub.js';

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>';
const flowCookie = { cookie: `flow=${STUB_HANDLE}` };
const OTT = 'o'.repeat(43);

let app: FastifyInstance;
const stub = new StubRecovery();

before(async () => {
  app = await buildApp({
    recovery: stub,
    config: httpConfig({
      pages: {
        accentColor: '#5b2bb5',
        logo: { contentType: 'image/svg+xml', base64: Buffer.from(SVG).toString('base64') },
        passwordRequirements: ['At least 12 characters', 'Not your <name>'],
        pushPollIntervalSeconds: 1,
      },
    }),
  });
});
after(async () => {
  await app.close();
});
beforeEach(() => {
  stub.failWith = null;
  stub.statusResult = { state: 'started' };
  stub.calls = [];
});

const statusCalls = () => stub.calls.filter((c) => c === 'status').length;
const events = (body: string) => [...body.matchAll(/^event: state\ndata: (.*)$/gm)].map((m) => JSON.parse(m[1]!).state as string);

describe('GET /recover/push/events', () => {
  test('streams the state until verified, then ends without another status() call and without the ott', async () => {
    stub.statusResult = { state: 'waiting', correctAnswer: 42, expiresAt: Date.now() + 60_000 };
    setTimeout(() => {
      stub.statusResult = { state: 'verified', ott: OTT, expiresAt: Date.now() + 60_000, login: 'alice@example.com' };
    }, 200);
    const res = await app.inject({ method: 'GET', url: '/recover/push/events', headers: flowCookie });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/event-stream/);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.match(String(res.headers['content-security-policy']), /default-src 'self'/, 'security headers survive the hijack');
    assert.deepEqual(events(res.body), ['waiting', 'verified']);
    assert.ok(!res.body.includes(OTT), 'the ott never travels in the stream');
    const calls = statusCalls();
    assert.equal(calls, 2);
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(statusCalls(), calls, 'no status() after verified (each one would issue a fresh ott)');
  });

  test('a rejected or expired push is one event and the end', async () => {
    for (const state of ['rejected', 'expired'] as const) {
      stub.calls = [];
      stub.statusResult = { state };
      const res = await app.inject({ method: 'GET', url: '/recover/push/events', headers: flowCookie });
      assert.deepEqual(events(res.body), [state]);
      assert.equal(statusCalls(), 1);
    }
  });

  test('a flow that moved on or broke mid-stream ends with "moved"; no flow is an ordinary error answer', async () => {
    stub.statusResult = { state: 'code-sent', method: 'sms', resendAfterSeconds: 3 };
    assert.deepEqual(events((await app.inject({ method: 'GET', url: '/recover/push/events', headers: flowCookie })).body), ['moved']);

    stub.statusResult = { state: 'waiting', correctAnswer: null, expiresAt: Date.now() + 60_000 };
    setTimeout(() => {
      stub.failWith = new PortalError('FLOW_EXPIRED');
    }, 100);
    const broke = await app.inject({ method: 'GET', url: '/recover/push/events', headers: flowCookie });
    assert.deepEqual(events(broke.body), ['waiting', 'moved']);

    stub.failWith = null;
    const none = await app.inject({ method: 'GET', url: '/recover/push/events' });
    assert.equal(none.statusCode, 410);
    assert.match(String(none.headers['content-type']), /^text\/html/);
  });
});

describe('language', () => {
  test('the switch sets a cookie and goes back to a known page only', async () => {
    const res = await app.inject({ method: 'GET', url: '/lang?to=fr&back=%2Frecover%2Fcode' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/recover/code');
    assert.match(String(res.headers['set-cookie']), /^lang=fr; Max-Age=31536000; Path=\/; HttpOnly; SameSite=Lax$/);
    for (const back of ['https://evil.example/', '//evil.example', '/\\evil.example', '/recover/cancel', '']) {
      const r = await app.inject({ method: 'GET', url: `/lang?to=en&back=${encodeURIComponent(back)}` });
      assert.equal(r.headers.location, '/', `back=${back}`);
    }
    const unknown = await app.inject({ method: 'GET', url: '/lang?to=xx&back=/recover' });
    assert.equal(unknown.headers['set-cookie'], undefined);
    assert.equal(unknown.headers.location, '/recover');
  });

  test('cookie, then Accept-Language (primary subtag, q-values), then the default', async () => {
    const lang = async (headers: Record<string, string>) =>
      /<html lang="(\w+)" dir="(?:ltr|rtl)">/.exec((await app.inject({ method: 'GET', url: '/', headers })).body)?.[1];
    assert.equal(await lang({}), 'en');
    assert.equal(await lang({ 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.5' }), 'fr');
    assert.equal(await lang({ 'accept-language': 'pt, en;q=0.5, fr;q=0.4' }), 'en');
    assert.equal(await lang({ 'accept-language': 'en;q=0.2, fr-BE;q=0.8' }), 'fr');
    assert.equal(await lang({ 'accept-language': 'de-AT,de;q=0.9' }), 'de');
    assert.equal(await lang({ 'accept-language': 'es-419, en;q=0.5' }), 'es');
    assert.equal(await lang({ 'accept-language': 'ja-JP' }), 'ja');
    assert.equal(await lang({ 'accept-language': 'ar-EG, en;q=0.3' }), 'ar');
    assert.equal(await lang({ 'accept-language': 'fr;q=0' }), 'en');
    assert.equal(await lang({ 'accept-language': 'fr', cookie: 'lang=en' }), 'en');
    assert.equal(await lang({ cookie: 'lang=fr' }), 'fr');
    // Answers are remembered per header value and the landing page per language: asking again changes nothing.
    assert.equal(await lang({ 'accept-language': 'pt, en;q=0.5, fr;q=0.4' }), 'en');
    assert.equal(await lang({ 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.5' }), 'fr');
    assert.equal(await lang({ 'accept-language': `${'xx-long;q=0.9, '.repeat(30)}fr;q=0.5` }), 'fr', 'a long header');
    assert.equal(await lang({}), 'en');
    const page = (await app.inject({ method: 'GET', url: '/recover', headers: { cookie: 'lang=fr' } })).body;
    assert.match(page, /Nom d’utilisateur ou e-mail/);
    assert.match(page, /<a href="\/lang\?to=en&amp;back=%2Frecover" lang="en" hreflang="en">English<\/a>/);
  });

  test('Arabic pages are laid out right to left; the others left to right', async () => {
    const html = async (l: string) => (await app.inject({ method: 'GET', url: '/recover', headers: { cookie: `lang=${l}` } })).body;
    assert.match(await html('ar'), /<html lang="ar" dir="rtl">/);
    for (const l of ['en', 'fr', 'de', 'es', 'ja']) assert.match(await html(l), new RegExp(`<html lang="${l}" dir="ltr">`));
  });

  test('error pages follow the language too', async () => {
    const res = await app.inject({ method: 'GET', url: '/nope', headers: { 'accept-language': 'fr' } });
    assert.equal(res.statusCode, 404);
    assert.match(res.body, /<h1>Page introuvable<\/h1>/);
  });
});

describe('branding and page options', () => {
  test('the theme stylesheet and the logo are linked and served with an immutable cache; the logo is sandboxed', async () => {
    const page = (await app.inject({ method: 'GET', url: '/' })).body;
    const theme = /<link rel="stylesheet" href="(\/assets\/theme\.[0-9a-f]{12}\.css)">/.exec(page)?.[1];
    const logo = /<img class="logo" src="(\/assets\/logo\.[0-9a-f]{12}\.svg)" alt="">/.exec(page)?.[1];
    assert.ok(theme && logo, 'both are linked');
    const css = await app.inject({ method: 'GET', url: theme });
    assert.equal(css.statusCode, 200);
    assert.match(String(css.headers['content-type']), /^text\/css/);
    assert.match(css.body, /--accent:#5b2bb5;--accent-fg:#ffffff/);
    const img = await app.inject({ method: 'GET', url: logo });
    assert.equal(img.statusCode, 200);
    assert.equal(img.headers['content-type'], 'image/svg+xml');
    assert.equal(img.body, SVG);
    assert.match(String(img.headers['content-security-policy']), /sandbox/);
    assert.equal(img.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal((await app.inject({ method: 'GET', url: '/assets/logo.000000000000.svg' })).statusCode, 404);
  });

  test('the password page lists the configured requirements, escaped', async () => {
    stub.statusResult = { state: 'verified', ott: OTT, expiresAt: Date.now() + 60_000, login: 'alice@example.com' };
    const page = (await app.inject({ method: 'GET', url: '/recover/password', headers: flowCookie })).body;
    assert.match(page, /<li>At least 12 characters<\/li><li>Not your &lt;name&gt;<\/li>/);
    assert.match(page, /aria-describedby="password-requirements"/);
    assert.match(page, /<button type="button" class="link reveal" data-reveal-field="password" aria-controls="password"/);
    assert.match(page, /data-reveal-field="confirmPassword"[^>]* hidden>Show<\/button>/, 'a toggle per field, hidden until the script runs');
  });

  test('the push page: a countdown to expiry; "Resend push" hidden for the first 30 s, shown at once after', async () => {
    stub.statusResult = { state: 'waiting', correctAnswer: 42, expiresAt: Date.now() + 240_000, sentAt: Date.now() - 10_000 };
    const early = (await app.inject({ method: 'GET', url: '/recover/push', headers: flowCookie })).body;
    assert.match(early.replace(/<[^>]+>/g, ''), /This request expires in 4 minutes\./);
    assert.match(early, /id="push-resend" hidden data-reveal-after="20"/, 'revealed by the script after the rest of 30 s');
    stub.statusResult = { state: 'waiting', correctAnswer: 42, expiresAt: Date.now() + 240_000, sentAt: Date.now() - 40_000 };
    const later = (await app.inject({ method: 'GET', url: '/recover/push', headers: flowCookie })).body;
    assert.match(later, /<div class="resend" id="push-resend">/, 'without JavaScript, "Check again" leads to it');
    assert.match(later, /<form method="post" action="\/recover\/resend" class="inline">[\s\S]*?name="method" value="push"/);
  });

  test('masked enrolled methods from the core replace the operator list on the method page', async () => {
    stub.statusResult = { state: 'started', methods: [{ method: 'sms', hint: '+1 ••• ••• 0100' }] };
    const page = (await app.inject({ method: 'GET', url: '/recover/method', headers: flowCookie })).body;
    assert.match(page, /We send a code to your phone by text message\. \(\+1 ••• ••• 0100\)/);
    assert.equal(page.match(/type="radio"/g)?.length, 1);
  });

  test('pasted codes lose spaces and dashes', () => {
    assert.equal(pastedCode(' 123 456 '), '123456');
    assert.equal(pastedCode('123-456'), '123456');
    assert.equal(pastedCode('123\u2013456'), '123456');
    assert.equal(pastedCode('12a456'), '12a456', 'anything else is left for the core to refuse');
  });
});
