// Graceful shutdown (REL-7): SIGTERM to the real portal process while a slow request (emulator latency) is in
// flight. The request still completes, a new connection is refused, the process exits 0 well before the bound.
// Past SHUTDOWN_TIMEOUT_SECONDS the remaining connections are cut and the exit status is 1.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { ApiClient, ROOMY_LIMITS, TOTP_USER, killAllPortals, spawnPortal, startOrg, type Org, type PortalProcess } from './support.js';

let org: Org;
let graceful: PortalProcess;
let bounded: PortalProcess;

before(async () => {
  org = await startOrg();
  const env = { ...ROOMY_LIMITS, STORE: 'memory', OKTA_TIMEOUT_MS: '5000' };
  [graceful, bounded] = await Promise.all([
    spawnPortal(org, { ...env, SHUTDOWN_TIMEOUT_SECONDS: '10' }),
    spawnPortal(org, { ...env, SHUTDOWN_TIMEOUT_SECONDS: '1' }),
  ]);
});
after(async () => {
  await killAllPortals();
  await org?.close();
});

/** A GET on a fresh TCP connection (no keep-alive pool): resolves with the status or the connection error code. */
function freshGet(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.end();
  });
}

test('SIGTERM: the in-flight request completes, new connections are refused, exit 0', async () => {
  await org.fault({ path: '/api/v1/users', method: 'GET', latencyMs: 1500, count: 1 });
  const c = new ApiClient(graceful.url);
  await c.csrf();
  const t0 = performance.now();
  const slow = c.start(TOTP_USER);
  await new Promise((r) => setTimeout(r, 400)); // the request is now waiting on Okta
  graceful.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 200));
  const refused = await freshGet(`${graceful.url}/healthz`);
  assert.equal(refused, 'ECONNREFUSED', 'no new connection after SIGTERM');

  const answer = await slow;
  assert.equal(answer.status, 200, answer.text);
  assert.ok(performance.now() - t0 >= 1400, 'it really waited on the slow Okta call');
  const { code } = await graceful.exited;
  assert.equal(code, 0);
  assert.ok(performance.now() - t0 < 5000, 'exited well before the bound');
  const out = graceful.stdout();
  assert.match(out, /"msg":"shutting down: finishing in-flight requests"/);
  assert.match(out, /"exitCode":0,"msg":"shut down"/);
});

test('past SHUTDOWN_TIMEOUT_SECONDS the remaining request is cut and the exit status is 1', async () => {
  await org.fault({ path: '/api/v1/users', method: 'GET', latencyMs: 3000, count: 1 });
  const c = new ApiClient(bounded.url);
  await c.csrf();
  const stuck = c.start(TOTP_USER).then(
    (a) => a.status,
    () => 'cut',
  );
  await new Promise((r) => setTimeout(r, 300));
  const t0 = performance.now();
  bounded.child.kill('SIGTERM');
  const { code } = await bounded.exited;
  const took = performance.now() - t0;
  assert.equal(code, 1);
  assert.ok(took >= 900 && took < 4000, `exited after ${Math.round(took)} ms`);
  assert.equal(await stuck, 'cut');
  assert.match(bounded.stdout(), /"msg":"shutdown: forcing exit"/);
});
