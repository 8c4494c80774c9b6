/**
 * No secret in the logs (LOG-1): the pino output of a full JSON recovery and a full HTML recovery is captured and
 * searched for every password, code, ott, cookie value and CSRF token the test used or received.
 * Request lines carry method, path (no query) and status only.
 */
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { PortalError } from '../../src/core/errors.js';
import { httpLogger, lazyChildLogger } from '../../src/http/logging.js';
import { Browser, field, harness, JsonClient, LOGIN, NEW_PASSWORD, type Harness } from './helpers.js';

let lines: string[];
let h: Harness;

beforeEach(async () => {
  lines = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  h = await harness({ logger: pino({ level: 'trace' }, sink) });
});
afterEach(async () => {
  await h.close();
});

/** The log text without the fields that are random or numeric noise (a float can contain "123456"). */
function scannable(): string {
  return lines
    .map((l) => {
      const { time: _t, responseTime: _r, reqId: _q, pid: _p, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return JSON.stringify(rest);
    })
    .join('\n');
}

function assertClean(secrets: string[]): void {
  const text = scannable();
  assert.ok(lines.length > 10, 'the logger was used');
  for (const s of secrets.filter((x) => x.length >= 6)) {
    assert.ok(!text.includes(s), `a secret reached the logs: ${s.slice(0, 4)}…`);
  }
}

test('a full JSON recovery logs no password, code, ott, cookie or CSRF token', async () => {
  const c = new JsonClient(h.app);
  const secrets: string[] = [NEW_PASSWORD, 'wrong-password-1', '123456', '654321'];
  await c.call('POST', '/api/v1/recovery', { username: LOGIN });
  await c.call('POST', '/api/v1/recovery/challenge', { method: 'sms' });
  await c.call('POST', '/api/v1/recovery/verify', { code: '654321' }); // wrong code
  const v = await c.call('POST', '/api/v1/recovery/verify', { code: '123456' });
  const ott = (v.json() as { ott: string }).ott;
  const st = await c.call('GET', '/api/v1/recovery/status?debug=1&token=querysecret');
  const ott2 = (st.json() as { ott: string }).ott;
  await c.call('POST', '/api/v1/recovery/password', { ott: ott2, password: NEW_PASSWORD, confirmPassword: 'wrong-password-1' });
  const done = await c.call('POST', '/api/v1/recovery/password', { ott: ott2, password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
  assert.equal(done.statusCode, 200);
  // A bad request carrying secrets, and an unexpected error.
  await c.call('POST', '/api/v1/recovery/password', { ott: ott2, password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD, extra: 1 });
  h.core.idp.failNext('findUser', Object.assign(new Error('socket hang up'), { headers: { authorization: 'SSWS api-token-xyz123' } }));
  const boom = await c.call('POST', '/api/v1/recovery', { username: LOGIN });
  assert.equal(boom.statusCode, 500);
  secrets.push(ott, ott2, c.csrf!, 'api-token-xyz123', 'querysecret', ...c.jar.cookies.values());
  assertClean(secrets);

  const text = lines.join('\n');
  assert.ok(text.includes('socket hang up'), 'the unexpected error is logged for the operator');
  const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const completed = records.filter((r) => r.msg === 'request completed');
  assert.ok(completed.length >= 8);
  for (const r of completed) {
    assert.equal(typeof r.reqId, 'string');
    assert.deepEqual(Object.keys(r.res as object), ['statusCode']);
  }
  const incoming = records.filter((r) => r.msg === 'incoming request');
  for (const r of incoming) assert.deepEqual(Object.keys(r.req as object).sort(), ['method', 'path']);
  assert.ok(incoming.some((r) => (r.req as { path: string }).path === '/api/v1/recovery/status'), 'path without query');
  const failed = records.find((r) => r.msg === 'request failed');
  assert.ok(failed && failed.reqId === boom.headers['x-request-id'], 'the 500 is logged with its request id');
});

test('a full HTML recovery logs no secret either', async () => {
  const b = new Browser(h.app);
  await b.get('/recover');
  await b.post('/recover', { username: LOGIN });
  await b.get('/recover/method');
  await b.post('/recover/method', { method: 'google-authenticator' });
  await b.get('/recover/code');
  await b.post('/recover/code', { code: '999999' });
  await b.post('/recover/code', { code: '123456' });
  const page = await b.get('/recover/password');
  const ott = field(page.body, 'ott')!;
  const res = await b.post('/recover/password', { ott, password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD, revokeSessions: 'on' });
  assert.equal(res.statusCode, 303);
  assertClean([NEW_PASSWORD, '123456', '999999', ott, b.csrf!, ...b.jar.cookies.values()]);
});

test('PortalError details are logged as one info line with the code, without the message to the user', async () => {
  h.core.idp.failNext('findUser', new PortalError('IDP_UNAVAILABLE', { detail: 'okta 503 after 2 retries' }));
  const c = new JsonClient(h.app);
  const res = await c.call('POST', '/api/v1/recovery', { username: LOGIN });
  assert.equal(res.statusCode, 503);
  const rec = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r.errCode === 'IDP_UNAVAILABLE');
  assert.ok(rec, 'logged');
  assert.equal(rec.detail, 'okta 503 after 2 retries');
  assert.ok(!res.body.includes('okta 503'));
});

test('the per-request logger is created on its first enabled line, with the reqId, serializers and redaction', () => {
  const out: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  const parent = httpLogger(pino({ level: 'warn' }, sink));
  let children = 0;
  const child = parent.child.bind(parent);
  parent.child = (...args: Parameters<typeof parent.child>) => {
    children++;
    return child(...args);
  };

  const log = lazyChildLogger(parent, { reqId: 'req-1' }, {});
  assert.equal(log.level, 'warn');
  log.info({ password: 'hunter22' }, 'not logged at warn');
  log.debug('nor this');
  assert.equal(children, 0, 'nothing logged, no child created');
  assert.deepEqual(out, []);

  log.warn({ password: 'hunter22', req: { method: 'GET', url: '/x?token=querysecret', headers: { cookie: 'c' } } }, 'logged');
  log.error('logged too');
  assert.equal(children, 1, 'one child, created once');
  const [warn, error] = out.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(warn?.reqId, 'req-1');
  assert.equal(warn?.password, '[redacted]');
  assert.deepEqual(warn?.req, { method: 'GET', path: '/x' }, 'the transport serializers apply');
  assert.equal(error?.reqId, 'req-1');

  const quiet = lazyChildLogger(parent, { reqId: 'req-2' }, { level: 'silent' });
  quiet.fatal('a silent route logs nothing');
  assert.equal(quiet.level, 'silent');
  assert.equal(out.length, 2);
  const chatty = lazyChildLogger(parent, { reqId: 'req-3' }, { level: 'debug' });
  chatty.debug('a route at debug logs its debug lines');
  assert.equal((JSON.parse(out[2]!) as { reqId: string }).reqId, 'req-3');
});

test('at LOG_LEVEL=warn requests log nothing until one fails, and that line carries its request id', async () => {
  const out: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  const w = await harness({ logger: pino({ level: 'warn' }, sink) });
  try {
    assert.equal((await w.app.inject({ method: 'GET', url: '/' })).statusCode, 200);
    const c = new JsonClient(w.app);
    assert.equal((await c.call('POST', '/api/v1/recovery', { username: LOGIN })).statusCode, 200);
    assert.deepEqual(out, []);
    w.core.idp.failNext('findUser', new Error('socket hang up'));
    const boom = await c.call('POST', '/api/v1/recovery', { username: LOGIN });
    assert.equal(boom.statusCode, 500);
    const failed = out.map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r.msg === 'request failed');
    assert.ok(failed, 'the 500 is logged');
    assert.equal(failed.reqId, boom.headers['x-request-id']);
  } finally {
    await w.close();
  }
});
