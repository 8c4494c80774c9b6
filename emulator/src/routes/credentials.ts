// Okta's recovery-question credential operations (UserCred in the management spec): forgot_password (a one-time
// reset link, or with a body the classic "forgot password with recovery question" that sets the new password),
// forgot_password_recovery_question, and change_recovery_question. Rules:
// - forgot_password works only for an ACTIVE or PASSWORD_EXPIRED user with a password and a recovery question (the
//   spec: "only on users with an ACTIVE status and a valid recovery question credential"; Okta also advertises the
//   link on PASSWORD_EXPIRED users), else 403 E0000034; it never changes the user's status; sendEmail defaults to
//   true (the link goes to the outbox and the answer is {}), sendEmail=false answers {resetPasswordUrl};
// - with a body {password:{value}, recovery_question:{answer}} (okta-sdk-python's recorded forgotPasswordSetNewPassword
//   posts it to forgot_password; the spec's newer path is forgot_password_recovery_question) the answer is checked
//   case-insensitively (400 E0000087 when wrong) and the new password must meet the policy (403 E0000080); the
//   answer is UserCredentials;
// - change_recovery_question needs the current password (403 E0000014 when wrong) and a user in STAGED, ACTIVE,
//   PASSWORD_EXPIRED or RECOVERY with a password (else 403 E0000036); the new question and answer are validated
//   (org/recovery.ts) and the answer is UserCredentials, never echoing the answer.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../errors.js';
import { base62, opaqueToken } from '../ids.js';
import type { UserRecord } from '../org/model.js';
import { verifyPassword } from '../org/passwords.js';
import { answerMatches, parseRecoveryQuestion } from '../org/recovery.js';
import { setPassword } from '../org/users.js';
import { baseUrl, jsonObject, queryBool, resolveUser } from './common.js';

type IdParams = { Params: { id: string } };

const FORGOT_FROM = new Set(['ACTIVE', 'PASSWORD_EXPIRED']);
const CHANGE_QUESTION_FROM = new Set(['STAGED', 'ACTIVE', 'PASSWORD_EXPIRED', 'RECOVERY']);

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The UserCredentials answer of these operations: no secret, ever. */
export function credentialsBody(user: UserRecord): Record<string, unknown> {
  return {
    ...(user.passwordHash ? { password: {} } : {}),
    ...(user.recoveryQuestion ? { recovery_question: { question: user.recoveryQuestion.question } } : {}),
    provider: { type: 'OKTA', name: 'OKTA' },
  };
}

function assertCanForget(user: UserRecord): void {
  if (!FORGOT_FROM.has(user.status) || !user.passwordHash || !user.recoveryQuestion) throw errors.forgotPasswordNotAllowed();
}

/** Resets the password when the recovery answer matches (forgotPasswordSetNewPassword). */
async function resetWithAnswer(req: FastifyRequest, user: UserRecord, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  assertCanForget(user);
  const rq = isObj(body.recovery_question) ? body.recovery_question : {};
  if (!(await answerMatches(rq.answer, user.recoveryQuestion?.answerHash))) throw errors.recoveryAnswerMismatch();
  const pw = isObj(body.password) ? body.password.value : undefined;
  await setPassword(req.server.emu.state, user, pw, { strict: false, policyError: errors.passwordComplexity });
  return credentialsBody(user);
}

export async function registerCredentialRoutes(app: FastifyInstance): Promise<void> {
  app.post<IdParams>('/api/v1/users/:id/credentials/forgot_password', async (req) => {
    const { state, clock } = req.server.emu;
    const user = resolveUser(state, req.params.id);
    const sendEmail = queryBool(req, 'sendEmail', true);
    const body = jsonObject(req);
    if (body.password !== undefined || body.recovery_question !== undefined) return resetWithAnswer(req, user, body);
    assertCanForget(user);
    const token = opaqueToken(15);
    user.recoveryToken = token;
    const url = `${baseUrl(req)}/signin/reset-password/${token}`;
    if (!sendEmail) return { resetPasswordUrl: url };
    state.outbox.push({
      id: 'msg' + base62(17),
      channel: 'email',
      to: String(user.profile.email ?? ''),
      text: `Forgot your password? Reset it here: ${url}`,
      code: null,
      userId: user.id,
      login: String(user.profile.login),
      factorId: null,
      sentAt: clock.iso(),
    });
    return {};
  });

  app.post<IdParams>('/api/v1/users/:id/credentials/forgot_password_recovery_question', async (req) => {
    queryBool(req, 'sendEmail', true);
    return resetWithAnswer(req, resolveUser(req.server.emu.state, req.params.id), jsonObject(req));
  });

  app.post<IdParams>('/api/v1/users/:id/credentials/change_recovery_question', async (req) => {
    const { state, clock } = req.server.emu;
    const user = resolveUser(state, req.params.id);
    const body = jsonObject(req);
    if (!CHANGE_QUESTION_FROM.has(user.status) || !user.passwordHash) throw errors.changeRecoveryQuestionNotAllowed();
    const pw = isObj(body.password) ? body.password.value : undefined;
    if (typeof pw !== 'string' || !(await verifyPassword(pw, user.passwordHash))) {
      throw errors.credentialsUpdateFailed(['password: The credentials provided were incorrect.']);
    }
    user.recoveryQuestion = await parseRecoveryQuestion(state, body.recovery_question);
    user.lastUpdated = clock.now();
    return credentialsBody(user);
  });
}
