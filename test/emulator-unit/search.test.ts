// The users `search`/`filter` grammar: operators, precedence, case rules and syntax errors. Sources: the spec's
// listUsers parameter text (search: case-insensitive values, no `ne`, `co` only on four profile attributes; filter: a
// fixed list of properties, `eq` only (plus ordering on lastUpdated), case-sensitive values, no `not`).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SearchSyntaxError, parseSearch } from '../../emulator/src/org/search.js';

const users: Record<string, unknown>[] = [
  { 'profile.login': 'alex.all@example.com', 'profile.email': 'alex.all@example.com', status: 'ACTIVE', 'profile.firstName': 'Alex' },
  { 'profile.login': 'sam.sms@example.com', 'profile.email': 'sam@corp.example', status: 'ACTIVE', 'profile.firstName': 'Sam' },
  { 'profile.login': 'lily.locked@example.com', 'profile.email': 'lily@example.com', status: 'LOCKED_OUT', 'profile.firstName': null },
];

function run(expr: string, dialect: 'search' | 'filter' = 'search'): string[] {
  const p = parseSearch(expr, dialect);
  return users.filter((u) => p((a) => u[a])).map((u) => String(u['profile.login']));
}

describe('search grammar', () => {
  test('eq on login is case-insensitive on the value', () => {
    assert.deepEqual(run('profile.login eq "SAM.SMS@example.com"'), ['sam.sms@example.com']);
  });

  test('and binds tighter than or', () => {
    // status eq LOCKED_OUT or (ACTIVE and login sw alex) → lily, alex
    assert.deepEqual(run('status eq "LOCKED_OUT" or status eq "ACTIVE" and profile.login sw "alex"'), [
      'alex.all@example.com',
      'lily.locked@example.com',
    ]);
    assert.deepEqual(run('(status eq "LOCKED_OUT" or status eq "ACTIVE") and profile.login sw "alex"'), ['alex.all@example.com']);
  });

  test('search: keywords are case-insensitive; co and pr work', () => {
    assert.deepEqual(run('status EQ "active" AND profile.email co "CORP"'), ['sam.sms@example.com']);
    assert.deepEqual(run('profile.firstName pr'), ['alex.all@example.com', 'sam.sms@example.com']);
  });

  test('search refuses ne, ew, not, co outside firstName/lastName/email/login, and unknown top-level properties', () => {
    for (const bad of [
      'status ne "ACTIVE"',
      'profile.email ew "@example.com"',
      'not status eq "ACTIVE"',
      'profile.city co "x"',
      'status co "ACT"',
      'lastLogin gt "2020-01-01T00:00:00.000Z"',
      'Status eq "ACTIVE"',
    ]) {
      assert.throws(() => parseSearch(bad, 'search'), SearchSyntaxError, bad);
    }
  });

  test('filter: values are case-sensitive; only eq (and ordering on lastUpdated) on seven properties', () => {
    assert.deepEqual(run('profile.login eq "sam.sms@example.com"', 'filter'), ['sam.sms@example.com']);
    assert.deepEqual(run('profile.login eq "SAM.SMS@example.com"', 'filter'), []);
    assert.deepEqual(run('status eq "active"', 'filter'), []);
    assert.doesNotThrow(() => parseSearch('lastUpdated gt "2020-01-01T00:00:00.000Z"', 'filter'));
    for (const bad of ['profile.login sw "sam"', 'profile.city eq "x"', 'status gt "A"', 'profile.email pr', 'not status eq "ACTIVE"', 'created gt "x"']) {
      assert.throws(() => parseSearch(bad, 'filter'), SearchSyntaxError, bad);
    }
  });

  test('escaped quotes inside values', () => {
    const p = parseSearch('profile.nickName eq "say \\"hi\\""');
    assert.equal(p((a) => (a === 'profile.nickName' ? 'say "hi"' : undefined)), true);
  });

  for (const bad of ['', 'profile.login', 'profile.login eq', 'profile.login eq "x', 'profile.login foo "x"', '(status eq "A"', 'status eq "A" and', 'status eq bare']) {
    test(`syntax error: ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseSearch(bad), SearchSyntaxError);
    });
  }
});
