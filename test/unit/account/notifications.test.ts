// "My security methods" tells the user (issue 14, item 4): a password change, a factor added and a factor removed
// each give one notice with the session's email, the request's address and browser, and the method; nothing is told
// for refused actions; a failing notifier never undoes or fails the action (the audit says so).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestAccount } from '../../helpers/fakes.js';

function setup() {
  const t = createTestAccount();
  const nora = t.idp.addUser({ login: 'nora@example.com', id: '00uNora', email: 'nora@mail.example.org' });
  return { t, a: t.account(nora, 'sess-1', '198.51.100.23') };
}

const brief = (n: { kind: string; userId: string; email: string | null; method?: unknown; ctx: { ip: string } }) =>
  [n.kind, n.userId, n.email, n.method ?? null, n.ctx.ip].join(' ');

describe('account notifications', () => {
  test('factor added, factor removed and password changed are told, each once', async () => {
    const { t, a } = setup();
    await t.service.enrolStart(a, 'google-authenticator');
    await t.service.enrolActivate(a, '000000').catch(() => undefined); // refused: nothing told
    assert.deepEqual(t.notifier.notices, []);
    await t.service.enrolActivate(a, t.idp.enrolCode);
    assert.deepEqual(t.notifier.notices.map(brief), ['factor-added 00uNora nora@mail.example.org google-authenticator 198.51.100.23']);

    const factorId = t.idp.factorsOf('00uNora')[0]!.id;
    await t.service.stepUpStart(a, factorId);
    await t.service.stepUpVerify(a, '123456');
    await t.service.changePassword(a, { currentPassword: 'Current-Pass-1', newPassword: 'New-Pass-123', confirmPassword: 'New-Pass-123' });
    await t.service.removeFactor(a, factorId, { confirmLastRecovery: true }); // her only method: confirmed
    assert.deepEqual(t.notifier.notices.map(brief).slice(1), [
      'password-changed 00uNora nora@mail.example.org  198.51.100.23',
      'factor-removed 00uNora nora@mail.example.org google-authenticator 198.51.100.23',
    ]);
    assert.deepEqual(
      t.idp.calls.filter((c) => c.op === 'findUser' || c.op === 'getFactors').length,
      t.idp.count('getFactors'),
      'no user read for the email: it comes from the session',
    );
  });

  test('a failing notifier neither fails nor undoes the change', async () => {
    const { t, a } = setup();
    t.notifier.notify = () => {
      throw new Error('smtp down');
    };
    await t.service.changePassword(a, { currentPassword: 'Current-Pass-1', newPassword: 'New-Pass-123', confirmPassword: 'New-Pass-123' });
    assert.equal(t.audit.last()?.outcome, 'success');
    assert.match(t.audit.last()?.detail ?? '', /notification FAILED/);
  });
});
