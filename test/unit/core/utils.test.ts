// Flow handles, login normalisation, phone masking, the keyed mutex.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHandle, parseHandle, secretMatches } from '../../../src/core/flow-handle.js';
import { normaliseLogin } from '../../../src/core/login.js';
import { maskPhone } from '../../../src/core/mask.js';
import { KeyedMutex } from '../../../src/core/mutex.js';
import { sha256 } from '../../../src/core/crypto.js';
import { SeededRandom } from '../../helpers/fakes.js';

describe('flow handle', () => {
  test('id (16 bytes) . secret (32 bytes), base64url; only the secret hash is kept', () => {
    const r = new SeededRandom(3);
    const a = createHandle(r);
    const b = createHandle(r);
    assert.match(a.handle, /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a.handle, b.handle);
    const p = parseHandle(a.handle);
    assert.ok(p);
    assert.equal(p.id, a.id);
    assert.equal(a.secretHash, sha256(p.secret));
    assert.ok(!a.secretHash.includes(p.secret));
    assert.ok(secretMatches(p.secret, a.secretHash));
    assert.ok(!secretMatches(p.secret.slice(1), a.secretHash));
    for (const bad of [undefined, 7, '', 'a.b', `${a.id}.${p.secret}x`, `${a.id}!${p.secret}`]) assert.equal(parseHandle(bad), null);
  });
});

describe('login', () => {
  test('trims, NFC-normalises, lower-cases the key', () => {
    assert.deepEqual(normaliseLogin('  Alice@Example.COM\n'), { login: 'Alice@Example.COM', key: 'alice@example.com' });
    assert.equal(normaliseLogin('e\u0301').login, '\u00e9');
  });
});

describe('maskPhone', () => {
  test('shows the country prefix and the last four digits only', () => {
    assert.equal(maskPhone('+15550100100'), '+1 ••• ••• 0100');
    assert.equal(maskPhone('+447700900123'), '+44 ••• ••• 0123');
    assert.equal(maskPhone('+123'), '•••');
  });
});

describe('KeyedMutex', () => {
  test('serialises per key, not across keys, and survives a failing task', async () => {
    const m = new KeyedMutex();
    const log: string[] = [];
    const task = (k: string, name: string, fail = false) =>
      m.run(k, async () => {
        log.push(`${name}+`);
        await new Promise((r) => setImmediate(r));
        log.push(`${name}-`);
        if (fail) throw new Error('x');
      });
    await Promise.allSettled([task('a', 'a1', true), task('a', 'a2'), task('b', 'b1')]);
    const at = (x: string) => log.indexOf(x);
    assert.equal(log.length, 6);
    assert.ok(at('a2+') > at('a1-'), 'a2 waits for a1 (even though a1 failed)');
    assert.ok(at('b1+') < at('a1-'), 'b runs alongside a');
  });
});
