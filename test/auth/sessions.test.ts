/**
 * Server-side sessions (src/auth/sessions.ts) and sign-in transactions (src/auth/transactions.ts) over the memory
 * store with a fake clock: absolute and idle limits, throttled touches, single use, hashed keys only.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createSessionManager, createTransactionStore, SIGN_IN_STARTS, TRANSACTION_TTL_MS } from '../../src/auth/index.js';
import { MemoryStore } from '../../src/store/memory.js';
import { FakeClock } from '../helpers/fakes.js';

const user = { userId: '00uTest', login: 'jo@example.com', name: 'Jo', idToken: 'header.payload.sig' };
const sha = (v: string) => createHash('sha256').update(v).digest('base64url');

function setup(ttlSeconds = 8 * 3600, idleSeconds = 1800) {
  const clock = new FakeClock();
  const store = new MemoryStore(clock);
  const sessions = createSessionManager({ store, clock, settings: { ttlSeconds, idleSeconds } });
  return { clock, store, sessions };
}

describe('sessions', () => {
  test('only the token hash is a key; the record never holds the token', async () => {
    const { store, sessions } = setup();
    const { token, session } = await sessions.create(user);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(await store.get(`session:${token}`), null);
    const stored = await store.get<Record<string, unknown>>(`session:${sha(token)}`);
    assert.ok(stored);
    assert.ok(!JSON.stringify(stored).includes(token));
    assert.notEqual(session.sid, token);
    assert.equal((await sessions.resolve(token))?.userId, '00uTest');
  });

  test('malformed or unknown tokens resolve to nothing', async () => {
    const { sessions } = setup();
    await sessions.create(user);
    for (const bad of [undefined, null, '', 'x', 'a'.repeat(44), `${'a'.repeat(42)}!`, 'b'.repeat(43)]) {
      assert.equal(await sessions.resolve(bad), null, String(bad));
    }
  });

  test('the idle limit ends a session that is not used', async () => {
    const { clock, sessions } = setup(8 * 3600, 1800);
    const { token } = await sessions.create(user);
    clock.advance(1799_000);
    assert.ok(await sessions.resolve(token), 'used within the idle limit');
    clock.advance(1799_000);
    assert.ok(await sessions.resolve(token), 'the use above moved the idle limit');
    clock.advance(1801_000);
    assert.equal(await sessions.resolve(token), null, 'idle too long');
  });

  test('the absolute lifetime ends a session however busy', async () => {
    const { clock, sessions } = setup(3600, 600);
    const { token } = await sessions.create(user);
    for (let i = 0; i < 11; i++) {
      clock.advance(300_000);
      assert.ok(await sessions.resolve(token), `still alive after ${(i + 1) * 5} minutes`);
    }
    clock.advance(300_000); // 60 minutes
    assert.equal(await sessions.resolve(token), null);
  });

  test('lastSeenAt is written at most once a minute', async () => {
    const { clock, sessions } = setup();
    const { token, session } = await sessions.create(user);
    clock.advance(30_000);
    assert.equal((await sessions.resolve(token))?.lastSeenAt, session.createdAt);
    clock.advance(31_000);
    assert.equal((await sessions.resolve(token))?.lastSeenAt, session.createdAt + 61_000);
  });

  test('destroy ends the session once', async () => {
    const { sessions } = setup();
    const { token } = await sessions.create(user);
    assert.equal((await sessions.destroy(token))?.userId, '00uTest');
    assert.equal(await sessions.destroy(token), null);
    assert.equal(await sessions.resolve(token), null);
  });

  test('every session gets its own token and sid', async () => {
    const { sessions } = setup();
    const a = await sessions.create(user);
    const b = await sessions.create(user);
    assert.notEqual(a.token, b.token);
    assert.notEqual(a.session.sid, b.session.sid);
  });
});

describe('sign-in transactions', () => {
  test('single use, hashed key, bounded lifetime', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore(clock);
    const tx = createTransactionStore(store);
    const checks = { state: 's'.repeat(43), nonce: 'n'.repeat(43), codeVerifier: 'v'.repeat(43) };
    const key = await tx.save(checks, clock.now());
    assert.equal(await store.get(`auth:${key}`), null, 'the cookie value is not the key');
    assert.ok(await store.get(`auth:${sha(key)}`));
    assert.equal((await tx.take(key))?.nonce, checks.nonce);
    assert.equal(await tx.take(key), null, 'used up');

    const late = await tx.save(checks, clock.now());
    clock.advance(TRANSACTION_TTL_MS + 1);
    assert.equal(await tx.take(late), null, 'expired');
    assert.equal(await tx.take('not a key'), null);
  });

  test('sign-in starts are limited per address', async () => {
    const clock = new FakeClock();
    const tx = createTransactionStore(new MemoryStore(clock));
    for (let i = 0; i < SIGN_IN_STARTS; i++) assert.equal(await tx.limit('192.0.2.1', clock.now()), null);
    const wait = await tx.limit('192.0.2.1', clock.now());
    assert.ok(wait !== null && wait > 0 && wait <= 300, 'refused with a wait');
    assert.equal(await tx.limit('192.0.2.2', clock.now()), null, 'another address is not affected');
    clock.advance(300_001);
    assert.equal(await tx.limit('192.0.2.1', clock.now()), null, 'a new window');
  });
});
