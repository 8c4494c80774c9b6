// The users `search`/`filter` grammar: operators, precedence, case rules and syntax errors.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SearchSyntaxError, parseSearch } from '../../emulator/src/org/search.js';

const users: Record<string, unknown>[] = [
  { 'profile.login': 'alex.all@example.com', 'profile.email': 'alex.all@example.com', status: 'ACTIVE', 'profile.firstName': 'Alex' },
  { 'profile.login': 'sam.sms@example.com', 'profile.email': 'sam@corp.example', status: 'ACTIVE', 'profile.firstName': 'Sam' },
  { 'profile.login': 'lily.locked@example.com', 'profile.email': 'lily@example.com', status: 'LOCKED_OUT', 'profile.firstName': null },
];

function run(expr: string): string[] {
  const p = parseSearch(expr);
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

  test('keywords are case-insensitive; not, co, ew and pr work', () => {
    assert.deepEqual(run('status EQ "active" AND NOT profile.email co "corp"'), ['alex.all@example.com']);
    assert.deepEqual(run('profile.email ew "@example.com"'), ['alex.all@example.com', 'lily.locked@example.com']);
    assert.deepEqual(run('profile.firstName pr'), ['alex.all@example.com', 'sam.sms@example.com']);
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
