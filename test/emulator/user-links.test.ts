// Issue 15 item 5: the links a user advertises, per status, and the endpoints behind them (forgot_password, the user
// schema, the user type), driven through @okta/okta-sdk-nodejs; every SDK answer is validated against the spec.
// Sources, cited per test: okta-sdk-python's recorded Okta traffic (tests/integration/cassettes/
// TestUsersResource.test_change_recovery_question.yaml: an ACTIVE user's links before and after it gets a recovery
// question, and forgot_password with a body setting the new password), the spec's examples and operation texts
// (create-user-with-non-default-user-type-response, resetUser's "present only if the user is enrolled in one or more
// MFA factors", forgotPassword's "ACTIVE status and a valid recovery question credential", ForgotPwdResponse,
// UserSchemaDefaultResponse, getUserType's "Use default"), and issue 15's recordings (a PASSWORD_EXPIRED user
// carries suspend, forgotPassword and changeRecoveryQuestion).
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { BASE_PROFILE_ATTRIBUTES } from '../../emulator/src/org/users.js';
import { expectOktaError, startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { validateResponse } from '../helpers/openapi.js';
import { PASSWORD, seed, user } from './fixtures.js';

type Json = Record<string, unknown>;
const ALWAYS = ['schema', 'self', 'type'];
const QUESTION = { question: 'Name of the street you grew up on?', answer: 'Maple Road' };
const STATUS_USERS = {
  ACTIVE: 'ann.active@example.com',
  PASSWORD_EXPIRED: 'pete.expired@example.com',
  RECOVERY: 'rae.recovery@example.com',
  LOCKED_OUT: 'lee.locked@example.com',
  SUSPENDED: 'sam.suspended@example.com',
  STAGED: 'stella.staged@example.com',
  PROVISIONED: 'pro.visioned@example.com',
  DEPROVISIONED: 'dee.gone@example.com',
} as const;
type Status = keyof typeof STATUS_USERS;
const NO_PASSWORD: Status[] = ['STAGED', 'PROVISIONED', 'DEPROVISIONED'];

describe('user links per status and the endpoints they advertise', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator({
      seed: seed([
        ...Object.entries(STATUS_USERS).map(([status, login]) =>
          user(login, { status: status as Status, ...(NO_PASSWORD.includes(status as Status) ? { password: undefined } : {}) }),
        ),
        user('fay.factors@example.com', { factors: [{ type: 'sms', phoneNumber: '+15555550188' }] }),
        user('nq.noquestion@example.com'),
      ]),
    });
  });
  after(() => emu?.close());
  afterEach(() => emu.assertSdkConformance());

  /** The raw `_links` of GET /users/{login}, as the SDK received them. */
  async function links(login: string): Promise<Json> {
    await emu.client.userApi.getUser({ userId: login });
    const raw = await emu.recorder.last((r) => r.method === 'GET' && r.path.startsWith('/api/v1/users/'));
    return (raw.body as Json)._links as Json;
  }
  const rels = async (login: string): Promise<string[]> => Object.keys(await links(login)).sort();
  const setQuestion = (login: string) =>
    emu.client.userApi.changeRecoveryQuestion({ userId: login, userCredentials: { password: { value: PASSWORD }, recovery_question: QUESTION } });

  test('ACTIVE: exactly the links of Okta\'s recorded user; forgotPassword once it has a recovery question (okta-sdk-python TestUsersResource.test_change_recovery_question)', async () => {
    await emu.control.reset();
    const login = STATUS_USERS.ACTIVE;
    const recorded = ['changePassword', 'changeRecoveryQuestion', 'deactivate', 'expirePassword', 'resetPassword', 'suspend'];
    assert.deepEqual(await rels(login), [...recorded, ...ALWAYS].sort());
    const creds = await setQuestion(login);
    assert.equal(creds.recovery_question?.question, QUESTION.question);
    assert.deepEqual(await rels(login), [...recorded, 'forgotPassword', ...ALWAYS].sort());
    // Every link is a POST to this user's own href, as Okta sends them.
    const l = await links(login);
    for (const [rel, v] of Object.entries(l)) {
      const link = v as { href: string; method?: string };
      assert.ok(link.href.startsWith(emu.url), rel);
      if (!ALWAYS.includes(rel)) assert.equal(link.method, 'POST', rel);
    }
    // The user shows the question (never the answer) under credentials.recovery_question.
    await emu.client.userApi.getUser({ userId: login });
    const raw = (await emu.recorder.last()).body as Json;
    assert.deepEqual((raw.credentials as Json).recovery_question, { question: QUESTION.question });
  });

  test('resetFactors appears only while the user has a factor (spec resetFactors: "present only if the user is currently enrolled")', async () => {
    await emu.control.reset();
    assert.ok((await rels('fay.factors@example.com')).includes('resetFactors'));
    assert.ok(!(await rels(STATUS_USERS.ACTIVE)).includes('resetFactors'));
    await emu.client.userApi.resetFactors({ userId: 'fay.factors@example.com' });
    assert.ok(!(await rels('fay.factors@example.com')).includes('resetFactors'));
  });

  test('per-status table: PASSWORD_EXPIRED has suspend, forgotPassword and changeRecoveryQuestion (issue 15); STAGED only activate (spec create-user example); unlock, unsuspend, activate where the spec allows them', async () => {
    await emu.control.reset();
    for (const s of ['PASSWORD_EXPIRED', 'RECOVERY'] as const) await setQuestion(STATUS_USERS[s]);
    const expected: Record<Status, string[]> = {
      ACTIVE: ['changePassword', 'changeRecoveryQuestion', 'deactivate', 'expirePassword', 'resetPassword', 'suspend'],
      PASSWORD_EXPIRED: ['changePassword', 'changeRecoveryQuestion', 'deactivate', 'expirePassword', 'forgotPassword', 'resetPassword', 'suspend'],
      RECOVERY: ['changePassword', 'changeRecoveryQuestion', 'deactivate', 'expirePassword', 'reactivate', 'resetPassword'],
      LOCKED_OUT: ['deactivate', 'resetPassword', 'unlock'],
      SUSPENDED: ['deactivate', 'unsuspend'],
      STAGED: ['activate'],
      PROVISIONED: ['deactivate', 'reactivate'],
      DEPROVISIONED: ['activate'],
    };
    for (const [status, login] of Object.entries(STATUS_USERS) as [Status, string][]) {
      assert.deepEqual(await rels(login), [...expected[status], ...ALWAYS].sort(), status);
    }
  });

  test('property: every operation link a user advertises is accepted for that status (no 403 E0000016/32/34/36/38, no status 400)', async () => {
    const refusals = new Set(['E0000016', 'E0000032', 'E0000034', 'E0000036', 'E0000038']);
    const bodies: Record<string, unknown> = {
      changePassword: { oldPassword: { value: PASSWORD }, newPassword: { value: 'Fresh-Start-2031' } },
      changeRecoveryQuestion: { password: { value: PASSWORD }, recovery_question: QUESTION },
    };
    let checked = 0;
    for (const [status, login] of Object.entries(STATUS_USERS) as [Status, string][]) {
      await emu.control.reset();
      if (!NO_PASSWORD.includes(status) && status !== 'LOCKED_OUT' && status !== 'SUSPENDED') await setQuestion(login);
      const advertised = Object.entries(await links(login)).filter(([rel]) => !ALWAYS.includes(rel));
      for (const [rel, v] of advertised) {
        await emu.control.reset();
        if (rel === 'forgotPassword') await setQuestion(login);
        const href = new URL((v as { href: string }).href);
        const path = href.pathname + (rel === 'forgotPassword' || rel === 'resetPassword' || /activate$/.test(rel) ? '?sendEmail=false' : '');
        const res = await emu.okta('POST', path, { json: bodies[rel] ?? {} });
        const code = (res.body as Json | undefined)?.errorCode as string | undefined;
        assert.ok(res.status === 200, `${status} ${rel} → ${res.status} ${code ?? ''} ${res.text.slice(0, 160)}`);
        assert.ok(!code || !refusals.has(code), `${status} ${rel}`);
        assert.deepEqual(validateResponse('POST', href.pathname, res.status, res.body), [], `${status} ${rel}`);
        checked++;
      }
    }
    assert.equal(checked, 29, "every link of the table above was followed");
  });

  test('forgot_password, sendEmail=false: a resetPasswordUrl with a one-time token; the status is unchanged (spec forgotPassword, ForgotPwdResponse)', async () => {
    await emu.control.reset();
    const login = STATUS_USERS.ACTIVE;
    await setQuestion(login);
    const userId = (await emu.client.userApi.getUser({ userId: login })).id!;
    const res = await emu.client.userApi.forgotPassword({ userId, sendEmail: false });
    const url = new URL(res.resetPasswordUrl ?? '');
    assert.equal(url.origin, new URL(emu.url).origin);
    assert.match(url.pathname, /^\/signin\/reset-password\/[A-Za-z0-9_-]{10,}$/);
    const again = await emu.client.userApi.forgotPassword({ userId, sendEmail: false });
    assert.notEqual(again.resetPasswordUrl, res.resetPasswordUrl, 'a fresh token each time');
    assert.equal((await emu.client.userApi.getUser({ userId })).status, 'ACTIVE');
    // sendEmail defaults to true: the link is mailed and the answer carries no URL.
    const before = (await emu.control.outbox()).length;
    const mailed = await emu.okta('POST', `/api/v1/users/${userId}/credentials/forgot_password`, { raw: '', headers: { 'content-length': '0' } });
    assert.equal(mailed.status, 200);
    assert.deepEqual(mailed.body, {});
    const box = await emu.control.outbox();
    assert.equal(box.length, before + 1);
    assert.equal(box.at(-1)?.to, login);
    assert.match(box.at(-1)?.text ?? '', /\/signin\/reset-password\//);
  });

  test('forgot_password is refused with 403 E0000034 without a recovery question or outside ACTIVE/PASSWORD_EXPIRED (spec forgotPassword; Okta error E0000034)', async () => {
    await emu.control.reset();
    await expectOktaError(emu.client.userApi.forgotPassword({ userId: 'nq.noquestion@example.com', sendEmail: false }), 403, 'E0000034');
    await expectOktaError(emu.client.userApi.forgotPassword({ userId: STATUS_USERS.SUSPENDED, sendEmail: false }), 403, 'E0000034');
    await expectOktaError(emu.client.userApi.forgotPassword({ userId: STATUS_USERS.STAGED, sendEmail: false }), 403, 'E0000034');
  });

  test('forgot password with the recovery answer sets the new password (spec forgotPasswordSetNewPassword; the recorded body on forgot_password)', async () => {
    await emu.control.reset();
    const login = STATUS_USERS.ACTIVE;
    await setQuestion(login);
    // wrong answer: 400 E0000087, password unchanged
    await expectOktaError(
      emu.client.userApi.forgotPasswordSetNewPassword({ userId: login, userCredentials: { password: { value: 'Never-Set-2031' }, recovery_question: { answer: 'Oak Avenue' } } }),
      400,
      'E0000087',
    );
    // the answer is compared case-insensitively
    const creds = await emu.client.userApi.forgotPasswordSetNewPassword({
      userId: login,
      userCredentials: { password: { value: 'Second-Wind-2031' }, recovery_question: { answer: '  maple ROAD ' } },
    });
    assert.equal(creds.recovery_question?.question, QUESTION.question);
    const signIn = (password: string) => emu.okta('POST', '/api/v1/authn', { json: { username: login, password }, token: null });
    assert.equal((await signIn('Second-Wind-2031')).status, 200);
    assert.equal((await signIn('Never-Set-2031')).status, 401);
    // okta-sdk-python's recording posts the same body to forgot_password itself: UserCredentials back.
    const old = await emu.okta('POST', `/api/v1/users/${login}/credentials/forgot_password`, {
      json: { password: { value: 'Third-Time-2031' }, recovery_question: { answer: QUESTION.answer } },
    });
    assert.equal(old.status, 200);
    assert.deepEqual(old.body, { password: {}, recovery_question: { question: QUESTION.question }, provider: { type: 'OKTA', name: 'OKTA' } });
    assert.equal((await signIn('Third-Time-2031')).status, 200);
    // a new password must meet the policy: 403 E0000080
    await expectOktaError(
      emu.client.userApi.forgotPasswordSetNewPassword({ userId: login, userCredentials: { password: { value: 'short' }, recovery_question: { answer: QUESTION.answer } } }),
      403,
      'E0000080',
    );
  });

  test('the schema and type links resolve: the default user schema (Okta\'s base attributes) and the default user type, by id and by "default" (spec getUserSchema, getUserType)', async () => {
    await emu.control.reset();
    const l = await links(STATUS_USERS.ACTIVE);
    const schemaId = new URL((l.schema as { href: string }).href).pathname.split('/').pop()!;
    const typeId = new URL((l.type as { href: string }).href).pathname.split('/').pop()!;
    for (const id of [schemaId, 'default']) {
      const schema = await emu.client.schemaApi.getUserSchema({ schemaId: id });
      const raw = (await emu.recorder.last()).body as Json;
      const base = (raw.definitions as Json).base as Json;
      assert.deepEqual(Object.keys(base.properties as Json).sort(), [...BASE_PROFILE_ATTRIBUTES].sort(), 'every base attribute the emulator accepts, and no other');
      assert.deepEqual([...(base.required as string[])].sort(), ['email', 'firstName', 'lastName', 'login']);
      assert.deepEqual(((raw.definitions as Json).custom as Json).properties, {});
      assert.equal(schema.name, 'user');
    }
    for (const id of [typeId, 'default']) {
      const type = await emu.client.userTypeApi.getUserType({ typeId: id });
      assert.equal(type.id, typeId);
      assert.equal(type._default, true);
      const raw = (await emu.recorder.last()).body as Json;
      assert.equal(((raw._links as Json).schema as { href: string }).href, (l.schema as { href: string }).href, "the type's schema is the user's schema");
    }
    await expectOktaError(emu.client.schemaApi.getUserSchema({ schemaId: 'oscNoSuchSchema00001' }), 404, 'E0000007');
    await expectOktaError(emu.client.userTypeApi.getUserType({ typeId: 'otyNoSuchType000001' }), 404, 'E0000007');
  });
});
