// GROUP_RULES (policies by group, issue 14 item 3): the rules as an operator writes them in the config file or the
// environment, resolved against RECOVERY_METHODS; a malformed rule stops the start with a message naming the rule;
// the example in docs/configuration.md loads as documented.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConfigError, CONFIG_FILE_VAR, loadConfig, toRecoveryPolicy, type Config } from '../../src/config/index.js';

const FILE = '/etc/portal.yaml';

function loadYaml(yaml: string, env: Record<string, string> = {}): Config {
  return loadConfig({ [CONFIG_FILE_VAR]: FILE, ...env }, { readFile: (p) => (p === FILE ? yaml : assert.fail(`read ${p}`)) });
}

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e.problems;
  }
  assert.fail('the configuration was accepted');
}

const ADMINS = `GROUP_RULES:
  - name: admins
    groups: [Portal Admins, 00g1abcdefghijklmnop]
    methods: [push, google-authenticator, okta-verify-code]
    methodsRequired: 2
  - name: service accounts
    groups: ["Service Accounts"]
    access: deny
  - name: everyone
    groups: ["*"]
`;

describe('GROUP_RULES', () => {
  test('unset: no rules (and the core makes no groups call)', () => {
    const c = loadConfig({});
    assert.deepEqual(c.recovery.groupRules, []);
    assert.deepEqual(toRecoveryPolicy(c).groupRules, []);
  });

  test('a YAML list in the config file: defaults filled in, methods resolved against RECOVERY_METHODS', () => {
    const c = loadYaml(`${ADMINS}RECOVERY_METHODS: [sms, push, google-authenticator, okta-verify-code]\n`);
    assert.deepEqual(toRecoveryPolicy(c).groupRules, [
      { name: 'admins', groups: ['Portal Admins', '00g1abcdefghijklmnop'], access: 'allow', methods: ['push', 'google-authenticator', 'okta-verify-code'], methodsRequired: 2 },
      { name: 'service accounts', groups: ['Service Accounts'], access: 'deny', methods: [], methodsRequired: 1 },
      { name: 'everyone', groups: ['*'], access: 'allow', methods: ['sms', 'push', 'google-authenticator', 'okta-verify-code'], methodsRequired: 1 },
    ]);
    assert.ok(Object.isFrozen(c.recovery.groupRules), 'the config stays frozen');
  });

  test('the same list as JSON in the environment; the environment wins over the file', () => {
    const json = JSON.stringify([{ name: 'ops', groups: ['Ops'], methods: ['sms', 'push'], methodsRequired: 2 }]);
    assert.deepEqual(loadConfig({ GROUP_RULES: json }).recovery.groupRules.map((r) => r.name), ['ops']);
    assert.deepEqual(loadYaml(ADMINS, { GROUP_RULES: json }).recovery.groupRules.map((r) => r.name), ['ops']);
  });

  const BAD: Array<[string, string, RegExp]> = [
    ['not a list', 'GROUP_RULES: {name: x}', /^GROUP_RULES: must be a list of rules/],
    ['a rule that is not a mapping', 'GROUP_RULES: [admins]', /^GROUP_RULES: rule 1: must be a mapping/],
    ['no name', 'GROUP_RULES: [{groups: [A]}]', /^GROUP_RULES: rule 1: name: is required/],
    ['no groups', 'GROUP_RULES: [{name: admins}]', /^GROUP_RULES: rule 1 "admins": groups: must be a list/],
    ['an unknown method', 'GROUP_RULES: [{name: ok, groups: [B]}, {name: admins, groups: [A], methods: [push, smss]}]', /^GROUP_RULES: rule 2 "admins": methods: must list methods among/],
    ['methodsRequired 3', 'GROUP_RULES: [{name: admins, groups: [A], methodsRequired: 3}]', /^GROUP_RULES: rule 1 "admins": methodsRequired: must be 1 or 2/],
    ['two methods of one kind', 'GROUP_RULES: [{name: admins, groups: [A], methods: [sms, call], methodsRequired: 2}]', /^GROUP_RULES: rule 1 "admins": methodsRequired: 2 needs methods of two different kinds/],
    ['a typo in a key', 'GROUP_RULES: [{name: admins, groups: [A], method: [push]}]', /^GROUP_RULES: rule 1 "admins": unknown key "method"/],
    ['a duplicate name', 'GROUP_RULES: [{name: Admins, groups: [A]}, {name: admins, groups: [B]}]', /^GROUP_RULES: rule 2 "admins": name duplicates rule 1/],
    ['a deny rule with methods', 'GROUP_RULES: [{name: no, groups: [A], access: deny, methods: [sms]}]', /^GROUP_RULES: rule 1 "no": a deny rule takes no methods/],
    ['a bad access', 'GROUP_RULES: [{name: x, groups: [A], access: maybe}]', /^GROUP_RULES: rule 1 "x": access: must be allow or deny/],
    ['a method RECOVERY_METHODS does not enable', 'RECOVERY_METHODS: [push]\nGROUP_RULES: [{name: admins, groups: [A], methods: [push, sms]}]', /^GROUP_RULES: rule 1 "admins": methods: sms is not enabled in RECOVERY_METHODS/],
    ['two kinds missing from RECOVERY_METHODS', 'RECOVERY_METHODS: [push]\nGROUP_RULES: [{name: admins, groups: [A], methodsRequired: 2}]', /^GROUP_RULES: rule 1 "admins": methodsRequired: 2 needs methods of two different kinds among RECOVERY_METHODS/],
  ];
  for (const [what, yaml, want] of BAD) {
    test(`stops the start, naming the rule: ${what}`, () => {
      const problems = problemsOf(() => loadYaml(yaml));
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0] ?? '', want);
    });
  }

  test('malformed JSON in the environment is a clear error; a hostile name is not echoed', () => {
    assert.match(problemsOf(() => loadConfig({ GROUP_RULES: '[{"name": "x",' }))[0] ?? '', /^GROUP_RULES: must be a list of rules \(JSON/);
    const hostile = JSON.stringify([{ name: 'secret-token-value\n<script>', groups: ['A'] }]);
    const [p] = problemsOf(() => loadConfig({ GROUP_RULES: hostile }));
    assert.match(p ?? '', /^GROUP_RULES: rule 1: name: must be/);
    assert.ok(!(p ?? '').includes('secret-token-value'));
  });

  test('docs/configuration.md documents GROUP_RULES with an example that loads as described', () => {
    const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Policies by group'));
    const example = /```yaml\n(GROUP_RULES:[\s\S]*?)```/.exec(section)?.[1];
    assert.ok(example, 'the section has a GROUP_RULES example');
    const rules = loadYaml(example).recovery.groupRules;
    assert.deepEqual(rules.map((r) => [r.name, r.access, r.methodsRequired]), [
      ['admins', 'allow', 2],
      ['service accounts', 'deny', 1],
      ['everyone', 'allow', 1],
    ]);
    assert.ok(!rules[0]!.methods.includes('sms'), 'the example keeps SMS away from admins, as its comment says');
    for (const key of ['name', 'groups', 'access', 'methods', 'methodsRequired']) assert.ok(section.includes(`\`${key}\``), `documents ${key}`);
  });
});
