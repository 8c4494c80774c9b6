// The password rules the portal knows (issue 13, item 4): which rules a password breaks (the same reading as Okta's
// and the emulator's), Okta's policy object read into rules, Okta's causes read into reasons, the org-wide cache, and
// the core naming the broken rule when the IdP only says "requirements were not met".
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { PortalError } from '../../../src/core/errors.js';
import { OKTA_DEFAULT_RULES, brokenRules, cachedPasswordRules, usernameParts, type PasswordRules } from '../../../src/core/password-rules.js';
import { refuseWeak } from '../../../src/core/strength.js';
import { createZxcvbnStrength } from '../../../src/strength/zxcvbn.js';
import { namedReasons } from '../../../src/core/recovery/steps/set-password.js';
import { policyReasons } from '../../../src/okta/errors.js';
import { choosePolicy, rulesOfPolicy } from '../../../src/okta/policies.js';
import { complexityViolation } from '../../../emulator/src/org/passwords.js';
import { FakeClock } from '../../helpers/fakes.js';

const ALL: PasswordRules = { minLength: 10, lowercase: true, uppercase: true, number: true, symbol: true, excludeUsername: true, historyCount: 4 };

describe('brokenRules', () => {
  test('names each broken rule in checklist order', () => {
    assert.deepEqual(brokenRules(ALL, 'abc', 'jo.smith@example.com'), ['length', 'uppercase', 'number', 'symbol']);
    assert.deepEqual(brokenRules(ALL, 'Smith-Garden-42', 'jo.smith@example.com'), ['username']);
    assert.deepEqual(brokenRules(ALL, 'Garden-Gate-42', 'jo.smith@example.com'), []);
    assert.deepEqual(usernameParts('jo.smith+x@example.com'), ['jo.smith+x', 'smith']);
  });

  test('agrees with the emulator\'s policy check on every password (both follow Okta\'s reading)', () => {
    const policy = { minLength: 8, requireLowercase: true, requireUppercase: true, requireNumber: true, requireSymbol: true, excludeUsername: true, historyCount: 0, minAgeMinutes: 0, lockoutAttempts: 0 };
    const rules: PasswordRules = { minLength: 8, lowercase: true, uppercase: true, number: true, symbol: true, excludeUsername: true, historyCount: 0 };
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.constantFrom('ann.lee@example.com', 'bob', 'x.y_zed@example.com'), (pw, login) => {
        fc.pre([...pw].length === pw.length); // the emulator counts UTF-16 units; Okta's count of astral characters is not documented
        assert.equal(brokenRules(rules, pw, login).length > 0, complexityViolation(policy, pw, login) !== null);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Okta\'s policy and causes', () => {
  test('the default policy of a listPolicies answer, read into rules; missing values take Okta\'s defaults', () => {
    const list = [
      { type: 'PASSWORD', status: 'ACTIVE', priority: 1, system: false, settings: { password: { complexity: { minLength: 20 } } } },
      { type: 'PASSWORD', status: 'ACTIVE', priority: 2, system: true, conditions: { authProvider: { provider: 'OKTA' } }, settings: { password: { complexity: { minLength: 14, minLowerCase: 0, minUpperCase: 1, minNumber: 1, minSymbol: 1, excludeUsername: false }, age: { historyCount: 7 } } } },
      { type: 'PASSWORD', status: 'ACTIVE', priority: 0, system: true, conditions: { authProvider: { provider: 'ACTIVE_DIRECTORY' } } },
    ];
    assert.deepEqual(rulesOfPolicy(choosePolicy(list)), { minLength: 14, lowercase: false, uppercase: true, number: true, symbol: true, excludeUsername: false, historyCount: 7 });
    assert.deepEqual(rulesOfPolicy({ settings: { password: { complexity: { minLength: 'x', minSymbol: -1 } } } }), OKTA_DEFAULT_RULES);
    assert.equal(choosePolicy({}), null);
    assert.equal(choosePolicy([{ type: 'PASSWORD', status: 'INACTIVE', system: true }]), null);
  });

  test('Okta\'s cause sentences become reasons, each once; an unknown sentence is "other"', () => {
    assert.deepEqual(
      policyReasons(['password: Password requirements were not met. Password requirements: at least 8 characters. Your password cannot be any of your last 4 passwords.']),
      ['requirements'],
    );
    assert.deepEqual(policyReasons(['password: Password has been used too recently', 'Password has been used too recently']), ['history']);
    assert.deepEqual(policyReasons(['password: Password has been changed too recently']), ['min-age']);
    assert.deepEqual(policyReasons(['Something new from Okta']), ['other']);
    assert.deepEqual(policyReasons([]), ['requirements']);
  });

  test('the core names the broken rule behind "requirements were not met", against the org\'s rules', async () => {
    const refused = new PortalError('PASSWORD_POLICY', { causes: ['Password requirements were not met.'], reasons: ['requirements'] });
    const named = (await namedReasons({ passwordRules: async () => ALL }, refused, 'garden-gate-42', 'ann@example.com')) as PortalError;
    assert.deepEqual(named.reasons, ['uppercase']);
    assert.deepEqual(named.causes, refused.causes, 'Okta\'s causes kept for the API');
    const fallback = (await namedReasons({}, refused, 'short', 'ann@example.com')) as PortalError;
    assert.deepEqual(fallback.reasons, ['length', 'uppercase', 'number'], 'Okta\'s default rules without a policy');
    const unknown = (await namedReasons({ passwordRules: async () => ALL }, refused, 'Garden-Gate-42!', 'ann@example.com')) as PortalError;
    assert.deepEqual(unknown.reasons, ['requirements'], 'no known rule broken: said in general terms');
    const history = new PortalError('PASSWORD_POLICY', { reasons: ['history'] });
    assert.equal(await namedReasons({}, history, 'x', 'ann'), history);
  });
});

describe('cachedPasswordRules', () => {
  test('one call per 5 minutes, shared by concurrent callers; a failure answers null for 30 s', async () => {
    const clock = new FakeClock();
    let calls = 0;
    let fail = false;
    const rules = cachedPasswordRules(async () => {
      calls++;
      if (fail) throw new Error('down');
      return ALL;
    }, { clock });
    assert.deepEqual(await Promise.all([rules(), rules()]), [ALL, ALL]);
    assert.equal(calls, 1);
    clock.advance(4 * 60_000);
    await rules();
    assert.equal(calls, 1, 'cached');
    clock.advance(61_000);
    fail = true;
    assert.equal(await rules(), null);
    assert.equal(calls, 2);
    clock.advance(20_000);
    assert.equal(await rules(), null);
    assert.equal(calls, 2, 'a failure is not retried at once');
    fail = false;
    clock.advance(11_000);
    assert.deepEqual(await rules(), ALL);
    assert.equal(calls, 3);
  });
});

describe('strength estimate (PASSWORD_MIN_STRENGTH)', () => {
  const note = () => ({}) as { detail?: string };
  test('below the minimum: PASSWORD_POLICY with the reason "weak"; the user\'s own words count against it', async () => {
    const estimator = createZxcvbnStrength();
    const check = { estimator, minScore: 2 };
    await assert.rejects(refuseWeak(check, 'Password1234', 'ann@example.com', note() as never), (e: unknown) => {
      assert.ok(e instanceof PortalError && e.code === 'PASSWORD_POLICY');
      assert.deepEqual(e.reasons, ['weak']);
      return true;
    });
    await refuseWeak(check, 'Mountain-Lake-42', 'ann@example.com', note() as never);
    assert.ok((await estimator.score('Lindqvist2026', ['lindqvist'])) < (await estimator.score('Lindqvist2026', [])), 'the login lowers the score');
  });

  test('an estimator that fails lets the password through and says so in the audit detail', async () => {
    const n = note();
    await refuseWeak({ estimator: { score: async () => Promise.reject(new Error('boom')) }, minScore: 4 }, 'x', 'ann', n as never);
    assert.match(n.detail ?? '', /strength estimate unavailable/);
    await refuseWeak(undefined, 'x', 'ann', n as never);
  });
});
