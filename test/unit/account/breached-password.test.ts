// The signed-in password change refuses a breached new password before the IdP is asked (PASSWORD_BREACHED), and
// applies fail-open / fail-closed when the corpus cannot answer; the audit detail never carries the password.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BreachCheck, BreachResult } from '../../../src/core/index.js';
import { PortalError } from '../../../src/core/errors.js';
import { createTestAccount } from '../../helpers/fakes.js';

const BREACHED = 'Password-123';

function setup(failOpen: boolean, corpus: 'up' | 'down' = 'up') {
  const results: BreachResult[] = [];
  const breach: BreachCheck = {
    passwords: {
      isBreached: async (pw) => {
        if (corpus === 'down') throw new Error('down');
        return pw === BREACHED;
      },
    },
    failOpen,
    onResult: (r) => results.push(r),
  };
  const t = createTestAccount({ breach });
  const alice = t.idp.addUser({ login: 'alice@example.com', id: '00uAlice', factors: [{ method: 'google-authenticator', id: 'ostAlice' }] });
  return { t, a: t.account(alice), results };
}

const input = (next: string) => ({ currentPassword: 'Current-Pass-1', newPassword: next, confirmPassword: next });

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof PortalError);
    return e.code;
  }
}

describe('account password change: breached passwords', () => {
  test('a breached password → PASSWORD_BREACHED with no IdP password call; a clean one goes through', async () => {
    const { t, a, results } = setup(true);
    await t.service.stepUpStart(a, 'ostAlice');
    await t.service.stepUpVerify(a, '123456');
    const before = t.idp.count();
    assert.equal(await code(t.service.changePassword(a, input(BREACHED))), 'PASSWORD_BREACHED');
    assert.equal(t.idp.count() - before, 1, 'only the factor list was read; changePassword was not called');
    assert.equal(await code(t.service.changePassword(a, input('Unique-Pass-987'))), 'ok');
    assert.deepEqual(results, ['breached', 'clean']);
    const ev = t.audit.events.filter((e) => e.action === 'account.password');
    assert.match(ev[0]?.detail ?? '', /code=PASSWORD_BREACHED/);
    assert.ok(!JSON.stringify(t.audit.events).includes(BREACHED));
  });

  test('corpus down: fail-open lets the change through (audited), fail-closed refuses with SERVICE_UNAVAILABLE', async () => {
    const open = setup(true, 'down');
    await open.t.service.stepUpStart(open.a, 'ostAlice');
    await open.t.service.stepUpVerify(open.a, '123456');
    assert.equal(await code(open.t.service.changePassword(open.a, input('Unique-Pass-987'))), 'ok');
    assert.match(open.t.audit.last()?.detail ?? '', /breach check unavailable .*fail-open/);

    const closed = setup(false, 'down');
    await closed.t.service.stepUpStart(closed.a, 'ostAlice');
    await closed.t.service.stepUpVerify(closed.a, '123456');
    assert.equal(await code(closed.t.service.changePassword(closed.a, input('Unique-Pass-987'))), 'SERVICE_UNAVAILABLE');
    assert.deepEqual(closed.results, ['unavailable']);
  });
});
