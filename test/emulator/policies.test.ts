// Okta Policies API, the one read the portal makes: GET /api/v1/policies?type=PASSWORD lists the seed's password
// policy as a spec-valid PasswordPolicy (listPolicies 200), the rules it lists are the ones the emulator enforces on
// a password write; other types (and no type: the spec documents no 400 here) list as [].
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { validateResponse } from '../helpers/openapi.js';
import { seed } from './fixtures.js';

type Json = Record<string, unknown>;

describe('password policy (Policies API)', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator({
      seed: seed([], { passwordPolicy: { minLength: 12, requireSymbol: true, requireUppercase: false, historyCount: 6 } }),
    });
  });
  after(() => emu?.close());

  test('lists the seeded password policy, valid against the spec', async () => {
    const res = await emu.okta('GET', '/api/v1/policies?type=PASSWORD');
    assert.equal(res.status, 200);
    assert.deepEqual(validateResponse('listPolicies', 200, res.body), []);
    const [policy] = res.body as Json[];
    const settings = (policy?.settings as Json).password as Json;
    assert.deepEqual(settings.complexity, {
      minLength: 12,
      minLowerCase: 1,
      minUpperCase: 0,
      minNumber: 1,
      minSymbol: 1,
      excludeUsername: true,
      dictionary: { common: { exclude: false } },
      excludeAttributes: [],
    });
    assert.equal((settings.age as Json).historyCount, 6);
    assert.equal(policy?.status, 'ACTIVE');
  });

  test('only PASSWORD is emulated: other policy types are not emulated and list as []', async () => {
    const missing = await emu.okta('GET', '/api/v1/policies');
    assert.equal(missing.status, 200, 'the spec documents no 400 here');
    assert.deepEqual(missing.body, []);
    const other = await emu.okta('GET', '/api/v1/policies?type=OKTA_SIGN_ON');
    assert.equal(other.status, 200);
    assert.deepEqual(other.body, []);
  });
});
