// Issue 15 item 9: security questions, driven through @okta/okta-sdk-nodejs and validated against the spec: the
// `question` factor (enrol with {question, answer}, verify with {answer}), GET /factors/questions, and
// change_recovery_question (the recovery-question credential, which needs the current password). Sources: the spec's
// listSupportedSecurityQuestions (its example and the UserFactorSecurityQuestionProfile enum: the question keys),
// EnrollFactorQuestionRequest/Response and ListFactorsResults (an ACTIVE factor with questions/self/user links and
// the question text, never the answer), UserFactorSecurityQuestionProfile.answer (minLength 4),
// RecoveryQuestionCredential ("validated (case insensitive)"; answer write-only), changeRecoveryQuestion (STAGED, ACTIVE
// or RECOVERY users with a password; UpdateRecQuestionResponse), okta-sdk-python's recorded
// TestUsersResource.test_change_recovery_question (the UserCredentials answer), and Okta's error codes E0000068
// (wrong answer), E0000069 (factor locked), E0000014 (wrong password), E0000036 (not allowed for this user).
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { UserFactor } from '@okta/okta-sdk-nodejs';
import { collect, expectOktaError, startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { SeedError, validateSeed } from '../../emulator/src/seed/load.js';
import { specExample, validateResponse } from '../helpers/openapi.js';
import { PASSWORD, seed, user } from './fixtures.js';

type Json = Record<string, unknown>;
const ANSWER = 'Mayonnaise Sandwich';
const L = {
  quinn: 'quinn.question@example.com',
  rex: 'rex.recovery@example.com',
  sue: 'sue.suspended@example.com',
  stan: 'stan.staged@example.com',
  seeded: 'sid.seeded@example.com',
};

describe('security questions: the question factor, GET /factors/questions, change_recovery_question', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator({
      seed: seed(
        [
          user(L.quinn),
          user(L.rex, { status: 'RECOVERY' }),
          user(L.sue, { status: 'SUSPENDED' }),
          user(L.stan, { status: 'STAGED', password: undefined }),
          user(L.seeded, {
            recoveryQuestion: { question: 'First concert you went to?', answer: 'The Proclaimers' },
            factors: [{ id: 'ufsSeededQuestion01', type: 'question', question: 'first_computer_game', answer: 'Elite' }],
          }),
        ],
        {
          factorLockoutAttempts: 3,
        },
      ),
    });
  });
  after(() => emu?.close());
  afterEach(() => emu.assertSdkConformance());

  const enrol = (userId: string, profile: Json) =>
    emu.client.userFactorApi.enrollFactor({ userId, body: { factorType: 'question', provider: 'OKTA', profile } as unknown as UserFactor });
  const verify = (userId: string, factorId: string, answer: string) =>
    emu.client.userFactorApi.verifyFactor({ userId, factorId, body: { answer } as never });

  /** No answer the org ever received may come back in any SDK response. */
  async function assertNoAnswerEchoed(...answers: string[]): Promise<void> {
    await emu.recorder.settle();
    for (const r of emu.recorder.responses) {
      const text = JSON.stringify(r.body ?? '').toLowerCase();
      for (const a of answers) assert.ok(!text.includes(a.toLowerCase()), `${r.method} ${r.path} echoes an answer`);
    }
  }

  test('GET /factors/questions lists Okta\'s twenty questions, starting with the spec example\'s three (spec listSupportedSecurityQuestions)', async () => {
    const list = await collect(await emu.client.userFactorApi.listSupportedSecurityQuestions({ userId: L.quinn }));
    const raw = (await emu.recorder.last()).body as Json[];
    assert.equal(raw.length, 20);
    assert.equal(list.length, 20);
    assert.equal(new Set(raw.map((q) => q.question)).size, 20, 'unique keys');
    assert.deepEqual(raw.slice(0, 3), [
      { question: 'disliked_food', questionText: 'What is the food you least liked as a child?' },
      { question: 'name_of_first_plush_toy', questionText: 'What is the name of your first stuffed animal?' },
      { question: 'first_award', questionText: 'What did you earn your first medal or award for?' },
    ]);
    for (const q of raw) assert.deepEqual(validateResponse('listSupportedSecurityQuestions', 200, [q]), [], String(q.question));
    await expectOktaError(emu.client.userFactorApi.listSupportedSecurityQuestions({ userId: '00uNoSuchUser0000001' }).then((c) => collect(c)), 404, 'E0000007');
  });

  test('enrol a question factor: ACTIVE at once with the question text and questions/self/user links, never the answer (spec EnrollFactorQuestionResponse)', async () => {
    await emu.control.reset();
    const f = await enrol(L.quinn, { question: 'disliked_food', answer: ANSWER });
    const raw = (await emu.recorder.last()).body as Json;
    assert.equal(raw.factorType, 'question');
    assert.equal(raw.status, 'ACTIVE');
    assert.deepEqual(raw.profile, { question: 'disliked_food', questionText: 'What is the food you least liked as a child?' });
    const example = specExample('EnrollFactorQuestionResponse') as Json;
    assert.deepEqual(Object.keys(raw._links as Json).sort(), Object.keys(example._links as Json).sort());
    assert.match(String(((raw._links as Json).questions as Json).href), /\/factors\/questions$/);
    const listed = await collect(await emu.client.userFactorApi.listFactors({ userId: L.quinn }));
    assert.deepEqual(listed.map((x) => x.id), [f.id]);
    // a user with a factor can reset it, and the factor catalog offers the type
    const catalog = await collect(await emu.client.userFactorApi.listSupportedFactors({ userId: L.quinn }));
    assert.ok(catalog.some((c) => c.factorType === 'question' && c.status === 'ACTIVE'));
    await assertNoAnswerEchoed(ANSWER);
  });

  test('enrolment validates the profile: an unknown question key, a short or missing answer, a second factor → 400 E0000001 (UserFactorSecurityQuestionProfile)', async () => {
    await emu.control.reset();
    await expectOktaError(enrol(L.quinn, { question: 'favorite_color', answer: ANSWER }), 400, 'E0000001');
    const short = await expectOktaError(enrol(L.quinn, { question: 'first_award', answer: 'abc' }), 400, 'E0000001');
    assert.match(JSON.stringify(short.errorCauses), /at least 4 characters/);
    await expectOktaError(enrol(L.quinn, { question: 'first_award' }), 400, 'E0000001');
    await enrol(L.quinn, { question: 'first_award', answer: 'Spelling Bee' });
    await expectOktaError(enrol(L.quinn, { question: 'favorite_toy', answer: 'Teddy Bear' }), 400, 'E0000001');
    await assertNoAnswerEchoed('Spelling Bee', 'Teddy Bear');
  });

  test('verify with {answer}: case-insensitive SUCCESS, a wrong answer 403 E0000068, then the factor locks (E0000069) after the seed\'s attempts', async () => {
    await emu.control.reset();
    const f = await enrol(L.quinn, { question: 'favorite_movie_quote', answer: 'Here is looking at you' });
    const ok = await verify(L.quinn, f.id!, '  HERE IS LOOKING AT YOU ');
    assert.equal(ok.factorResult, 'SUCCESS');
    await expectOktaError(verify(L.quinn, f.id!, 'Play it again'), 403, 'E0000068');
    await expectOktaError(verify(L.quinn, f.id!, ''), 403, 'E0000068');
    await expectOktaError(verify(L.quinn, f.id!, 'Still wrong'), 403, 'E0000068');
    await expectOktaError(verify(L.quinn, f.id!, 'Here is looking at you'), 403, 'E0000069');
    // an admin unlock clears it
    await emu.client.userApi.unlockUser({ userId: L.quinn });
    assert.equal((await verify(L.quinn, f.id!, 'here is looking at you')).factorResult, 'SUCCESS');
    await assertNoAnswerEchoed('Here is looking at you');
  });

  test('change_recovery_question: needs the current password; answers UserCredentials with the question only (spec changeRecoveryQuestion, UpdateRecQuestionResponse)', async () => {
    await emu.control.reset();
    const q = { question: 'Favourite teacher at school?', answer: 'Mrs Fairweather' };
    await expectOktaError(
      emu.client.userApi.changeRecoveryQuestion({ userId: L.quinn, userCredentials: { password: { value: 'Wrong-Password-9' }, recovery_question: q } }),
      403,
      'E0000014',
    );
    const short = await expectOktaError(
      emu.client.userApi.changeRecoveryQuestion({ userId: L.quinn, userCredentials: { password: { value: PASSWORD }, recovery_question: { question: q.question, answer: 'no' } } }),
      400,
      'E0000001',
    );
    assert.match(JSON.stringify(short.errorCauses), /recovery_question\.answer/);
    await expectOktaError(
      emu.client.userApi.changeRecoveryQuestion({ userId: L.quinn, userCredentials: { password: { value: PASSWORD }, recovery_question: { answer: q.answer } } }),
      400,
      'E0000001',
    );
    await emu.client.userApi.changeRecoveryQuestion({ userId: L.quinn, userCredentials: { password: { value: PASSWORD }, recovery_question: q } });
    const raw = (await emu.recorder.last()).body as Json;
    assert.deepEqual(raw, { password: {}, recovery_question: { question: q.question }, provider: { type: 'OKTA', name: 'OKTA' } });
    // RECOVERY users may change it too (spec); SUSPENDED users and users without a password may not: 403 E0000036
    await emu.client.userApi.changeRecoveryQuestion({ userId: L.rex, userCredentials: { password: { value: PASSWORD }, recovery_question: q } });
    await expectOktaError(
      emu.client.userApi.changeRecoveryQuestion({ userId: L.sue, userCredentials: { password: { value: PASSWORD }, recovery_question: q } }),
      403,
      'E0000036',
    );
    await expectOktaError(
      emu.client.userApi.changeRecoveryQuestion({ userId: L.stan, userCredentials: { password: { value: PASSWORD }, recovery_question: q } }),
      403,
      'E0000036',
    );
    await assertNoAnswerEchoed(q.answer);
  });

  test('a recovery question given at creation is kept (spec create-user-with-password-and-recovery-question)', async () => {
    await emu.control.reset();
    const created = await emu.client.userApi.createUser({
      body: {
        profile: { login: 'nina.new@example.com', email: 'nina.new@example.com', firstName: 'Nina', lastName: 'New' },
        credentials: { password: { value: PASSWORD }, recovery_question: { question: 'Who is a major player in the cowboy scene?', answer: 'Annie Oakley' } },
      },
    });
    assert.equal(created.credentials?.recovery_question?.question, 'Who is a major player in the cowboy scene?');
    await expectOktaError(
      emu.client.userApi.createUser({
        body: {
          profile: { login: 'ned.new@example.com', email: 'ned.new@example.com', firstName: 'Ned', lastName: 'New' },
          credentials: { password: { value: PASSWORD }, recovery_question: { question: 'Pet?', answer: 'Rex' } },
        },
      }),
      400,
      'E0000001',
    );
    await assertNoAnswerEchoed('Annie Oakley');
  });

  test('the seed can give users a recovery question and a question factor; bad ones are refused naming the field', async () => {
    await emu.control.reset();
    const u = await emu.client.userApi.getUser({ userId: L.seeded });
    assert.equal(u.credentials?.recovery_question?.question, 'First concert you went to?');
    const links = ((await emu.recorder.last()).body as Json)._links as Json;
    assert.ok('forgotPassword' in links, 'a seeded recovery question enables forgot password');
    assert.equal((await verify(L.seeded, 'ufsSeededQuestion01', 'elite')).factorResult, 'SUCCESS');
    await emu.client.userApi.forgotPasswordSetNewPassword({
      userId: L.seeded,
      userCredentials: { password: { value: 'Concert-Night-2031' }, recovery_question: { answer: 'the proclaimers' } },
    });
    const bad: [Json, RegExp][] = [
      [{ type: 'question', question: 'first_computer_game' }, /users\[0\]\.factors\[0\]\.answer: is required/],
      [{ type: 'question', question: 'favourite_colour', answer: 'Blue sky' }, /users\[0\]\.factors\[0\]\.question/],
      [{ type: 'question', question: 'first_award', answer: 'abc' }, /users\[0\]\.factors\[0\]\.answer/],
      [{ type: 'sms', phoneNumber: '+15555550100', answer: 'Blue sky' }, /users\[0\]\.factors\[0\]\.answer: is only allowed on question factors/],
    ];
    for (const [factor, message] of bad) {
      assert.throws(() => validateSeed({ users: [{ login: 'x.y@example.com', firstName: 'X', lastName: 'Y', password: PASSWORD, factors: [factor] }] }), (e: unknown) => e instanceof SeedError && message.test(e.message));
    }
    assert.throws(
      () => validateSeed({ users: [{ login: 'x.y@example.com', firstName: 'X', lastName: 'Y', password: PASSWORD, recoveryQuestion: { question: 'Pet?', answer: 'Rex' } }] }),
      (e: unknown) => e instanceof SeedError && /users\[0\]\.recoveryQuestion\.answer/.test(e.message),
    );
    await assertNoAnswerEchoed('The Proclaimers', 'Elite');
  });
});
