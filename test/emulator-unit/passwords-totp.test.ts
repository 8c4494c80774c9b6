// Password policy wording and storage, and the TOTP verifier against RFC 6238 vectors (6-digit values).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Clock } from '../../emulator/src/clock.js';
import { complexityViolation, hashPassword, hashPasswordSync, usernameParts, verifyPassword } from '../../emulator/src/org/passwords.js';
import { OrgState, prepareSeed } from '../../emulator/src/org/state.js';
import { checkTotp, currentTotp } from '../../emulator/src/org/totp.js';
import { setPassword } from '../../emulator/src/org/users.js';
import { validateSeed } from '../../emulator/src/seed/load.js';
import { passwordPolicySchema } from '../../emulator/src/seed/schema.js';

const policy = passwordPolicySchema.parse({ minLength: 10, requireSymbol: true, historyCount: 3 });

describe('password policy', () => {
  test('a compliant password passes', () => {
    assert.equal(complexityViolation(policy, 'Str0ng-Enough!', 'jane.doe@example.org'), null);
  });

  for (const [pw, why] of [
    ['Sh0rt-1!', 'too short'],
    ['no-upper-case-1!', 'no uppercase'],
    ['NO-LOWER-CASE-1!', 'no lowercase'],
    ['No-Digits-Here!', 'no number'],
    ['NoSymbols12345', 'no symbol'],
    ['Jane-Password-1!', 'contains a username part'],
  ] as const) {
    test(`refused: ${why}`, () => {
      const cause = complexityViolation(policy, pw, 'jane.doe@example.org');
      assert.ok(cause, `${why} should fail`);
      assert.equal(
        cause,
        'password: Password requirements were not met. Password requirements: at least 10 characters, a lowercase letter, ' +
          'an uppercase letter, a number, a symbol, no parts of your username. Your password cannot be any of your last 3 passwords.',
      );
    });
  }

  test('username parts are the local part and its 3+ character pieces', () => {
    assert.deepEqual(usernameParts('jane.doe-x@example.org'), ['jane.doe-x', 'jane', 'doe']);
  });

  test('hashes are salted scrypt and verify only the right password', async () => {
    const a = await hashPassword('Correct-Horse-1');
    const b = await hashPassword('Correct-Horse-1');
    assert.notEqual(a, b);
    assert.ok(!a.includes('Correct-Horse-1'));
    assert.equal(await verifyPassword('Correct-Horse-1', a), true);
    assert.equal(await verifyPassword('Correct-Horse-2', a), false);
    assert.equal(await verifyPassword('Correct-Horse-1', 'garbage'), false);
    assert.match(a, /^scrypt\$/);
  });

  test('fast hashing (load tests only) is a salted SHA-256; each hash names its scheme, so both verify', async () => {
    const a = await hashPassword('Correct-Horse-1', 'fast');
    const b = hashPasswordSync('Correct-Horse-1', 'fast');
    assert.match(a, /^sha256\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    assert.notEqual(a, b, 'salted');
    assert.ok(!a.includes('Correct-Horse-1'));
    for (const h of [a, b, hashPasswordSync('Correct-Horse-1')]) {
      assert.equal(await verifyPassword('Correct-Horse-1', h), true);
      assert.equal(await verifyPassword('Correct-Horse-2', h), false);
    }
    assert.equal(await verifyPassword('Correct-Horse-1', a.replace('sha256$', 'md5$')), false);
  });

  test('a seed with passwordHashing: fast stores SHA-256 hashes and still enforces the strict history', async () => {
    const user = { login: 'jane@example.com', firstName: 'Jane', lastName: 'Doe', password: 'Seed-Pass-2026!', passwordHistory: ['Old-Pass-2025!'] };
    assert.equal(validateSeed({ users: [user] }).passwordHashing, 'scrypt', 'scrypt by default');
    assert.throws(() => validateSeed({ passwordHashing: 'plain', users: [user] }), /passwordHashing/);
    const state = new OrgState(prepareSeed(validateSeed({ passwordHashing: 'fast', users: [user] })), new Clock(0));
    const jane = [...state.users.values()][0]!;
    assert.ok(jane.passwordHistory.length === 2 && jane.passwordHistory.every((h) => h.startsWith('sha256$')));
    await assert.rejects(setPassword(state, jane, 'Old-Pass-2025!', { strict: true }), (err: Error) => /used too recently/.test(JSON.stringify(err)));
    await setPassword(state, jane, 'Brand-New-Pass-7', { strict: true });
    assert.match(jane.passwordHash ?? '', /^sha256\$/);
    assert.equal(await verifyPassword('Brand-New-Pass-7', jane.passwordHash ?? ''), true);
  });
});

describe('TOTP (RFC 6238, SHA-1, 6-digit)', () => {
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // ASCII "12345678901234567890"
  const vectors: [number, string][] = [
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ];
  for (const [t, code] of vectors) {
    test(`T=${t} → ${code}`, () => {
      assert.equal(currentTotp(secret, t * 1000).code, code);
      assert.deepEqual(checkTotp(secret, code, t * 1000, null), { ok: true, step: Math.floor(t / 30) });
    });
  }

  test('±1 step accepted, ±2 refused', () => {
    const t = 1111111111 * 1000;
    const prev = currentTotp(secret, t - 30_000).code;
    const next = currentTotp(secret, t + 30_000).code;
    const far = currentTotp(secret, t - 60_000).code;
    assert.equal(checkTotp(secret, prev, t, null).ok, true);
    assert.equal(checkTotp(secret, next, t, null).ok, true);
    assert.deepEqual(checkTotp(secret, far, t, null), { ok: false, reason: 'invalid' });
  });

  test('a code whose step was already accepted is a replay, and so is an older one', () => {
    const t = 2000000000 * 1000;
    const first = checkTotp(secret, '279037', t, null);
    assert.equal(first.ok, true);
    const step = first.ok ? first.step : -1;
    assert.deepEqual(checkTotp(secret, '279037', t + 5000, step), { ok: false, reason: 'replay' });
    const older = currentTotp(secret, t - 30_000).code;
    assert.deepEqual(checkTotp(secret, older, t, step), { ok: false, reason: 'replay' });
  });

  test('non-numeric or wrong-length input is invalid, not an exception', () => {
    for (const bad of ['', '12345', '1234567', 'abcdef', ' 287082']) {
      assert.deepEqual(checkTotp(secret, bad, 59_000, null), { ok: false, reason: 'invalid' });
    }
  });
});
