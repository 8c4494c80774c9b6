// Two instances (REL-1 (d), issue 4): two real portal processes sharing one Redis (a unique key prefix per run).
// A recovery whose requests alternate between them completes; a brute force of wrong codes split over both is
// stopped at MAX_WRONG_CODES_PER_FLOW (also when the guesses arrive at the same time); a per-login limit counts
// across both. twoInstanceSuite registers these tests for one Redis set-up: one server
// (two-instances.process.test.ts) or a Redis Cluster (test/store/redis-cluster.process.test.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApiClient,
  NEW_PASSWORD,
  ROOMY_LIMITS,
  SMS_USER,
  TOTP_USER,
  errorCode,
  killAllPortals,
  spawnPortal,
  startOrg,
  wrongCode,
  type Org,
  type PortalProcess,
} from './support.js';

export interface TwoInstanceSetup {
  /** Why the suite is skipped, or false to run it. */
  skip: string | false;
  /** The portal settings that reach this Redis (REDIS_URL, REDIS_CLUSTER_NODES ...) and a fresh REDIS_KEY_PREFIX; called in before(). */
  redisEnv(): Record<string, string> | Promise<Record<string, string>>;
  /** Removes the keys (or the servers) after the suite. */
  cleanup(): Promise<void>;
}

const LIMITED = 'limit.user@example.com';
const PER_LOGIN = 12;

export function twoInstanceSuite(setup: TwoInstanceSetup): void {
  const redis = { skip: setup.skip };
  let org: Org;
  let a: PortalProcess;
  let b: PortalProcess;

  before(async () => {
    if (redis.skip) return;
    org = await startOrg();
    const env = {
      ...ROOMY_LIMITS,
      LIMIT_PER_LOGIN: `${PER_LOGIN}/15m`,
      STORE: 'redis',
      ...(await setup.redisEnv()),
      MAX_WRONG_CODES_PER_FLOW: '4',
    };
    [a, b] = await Promise.all([spawnPortal(org, env), spawnPortal(org, env)]);
  });
  after(async () => {
    await killAllPortals();
    await org?.close();
    if (!redis.skip) await setup.cleanup();
  });

  test('a recovery alternating between the two instances completes', { skip: redis.skip }, async () => {
    const c = new ApiClient(a.url);
    assert.equal((await c.start(SMS_USER, a.url)).status, 200);
    assert.equal((await c.challenge('sms', b.url)).status, 200);
    assert.equal((await c.status(a.url)).body.status, 'code_sent');
    const v = await c.verify(await org.lastCode(SMS_USER), b.url);
    assert.equal(v.status, 200, v.text);
    const done = await c.password(v.body.ott!, NEW_PASSWORD, a.url);
    assert.equal(done.status, 200, done.text);
    assert.equal((await c.status(b.url)).body.status, 'completed');
    assert.equal(await org.authn(SMS_USER, NEW_PASSWORD), 200);
  });

  test('wrong codes split over both instances are stopped at the same count as on one', { skip: redis.skip }, async () => {
    const c = new ApiClient(a.url);
    assert.equal((await c.start(TOTP_USER, b.url)).status, 200);
    assert.equal((await c.challenge('google-authenticator', a.url)).status, 200);
    const right = await org.totpCode(TOTP_USER);
    const bad = wrongCode(right);
    const answers: (string | undefined)[] = [];
    for (const base of [a.url, b.url, a.url, b.url]) answers.push(errorCode(await c.verify(bad, base)));
    assert.deepEqual(answers, ['INVALID_CODE', 'INVALID_CODE', 'INVALID_CODE', 'TOO_MANY_ATTEMPTS']);
    assert.equal(errorCode(await c.verify(right, a.url)), 'TOO_MANY_ATTEMPTS', 'the flow is locked on both');
    assert.equal(errorCode(await c.verify(right, b.url)), 'TOO_MANY_ATTEMPTS');
  });

  test('guesses sent to both instances at the same time still stop at the cap', { skip: redis.skip }, async () => {
    const login = 'third.user@example.com';
    const c = new ApiClient(a.url);
    assert.equal((await c.start(login, a.url)).status, 200);
    assert.equal((await c.challenge('google-authenticator', b.url)).status, 200);
    const right = await org.totpCode(login);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => c.verify(wrongCode(right), i % 2 ? a.url : b.url)));
    const codes = answers.map((x) => errorCode(x));
    assert.equal(codes.filter((x) => x === 'INVALID_CODE').length, 3, codes.join(','));
    assert.equal(codes.filter((x) => x === 'TOO_MANY_ATTEMPTS').length, 5, codes.join(','));
    assert.equal(errorCode(await c.verify(right, a.url)), 'TOO_MANY_ATTEMPTS');
    assert.equal(errorCode(await c.verify(right, b.url)), 'TOO_MANY_ATTEMPTS');
  });

  test('a per-login limit counts the requests of both instances', { skip: redis.skip }, async () => {
    const c = new ApiClient(a.url);
    for (let i = 0; i < PER_LOGIN; i++) assert.equal((await c.start(LIMITED, i % 2 ? a.url : b.url)).status, 200, `start ${i + 1}`);
    const overA = await c.start(LIMITED, a.url);
    const overB = await c.start(LIMITED, b.url);
    assert.equal(errorCode(overA), 'RATE_LIMITED');
    assert.equal(errorCode(overB), 'RATE_LIMITED');
    assert.ok(Number(overB.headers.get('retry-after')) > 0);
  });
}
