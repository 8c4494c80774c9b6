// Okta Factors API: list, get, catalog, enrol, activate (and push activation poll), resend, unenrol, QR codes.
// Rules: wire shapes follow Okta's UserFactor examples (see org/serialize.ts); unknown factor 404 E0000007;
// `activate` query auto-activates sms/call/email; `updatePhone` replaces an active sms/call factor's number.
import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import { errors } from '../errors.js';
import { SUPPORTED, activateFactor, enrollFactor, enrollQuestionFactor, removeFactor, resendEnrollCode } from '../org/factors.js';
import { SECURITY_QUESTIONS } from '../org/recovery.js';
import { factorHref, serializeFactor } from '../org/serialize.js';
import { otpauthUri } from '../org/totp.js';
import { baseUrl, jsonObject, queryBool, resolveFactor, resolveUser, tokenLifetime } from './common.js';

type UserParams = { Params: { userId: string } };
type FactorParams = { Params: { userId: string; factorId: string } };

export async function registerFactorRoutes(app: FastifyInstance): Promise<void> {
  app.get<UserParams>('/api/v1/users/:userId/factors', async (req) => {
    const { state, clock } = req.server.emu;
    const user = resolveUser(state, req.params.userId);
    return user.factors.map((f) => serializeFactor(baseUrl(req), f, clock.now()));
  });

  app.get<UserParams>('/api/v1/users/:userId/factors/catalog', async (req) => {
    const user = resolveUser(req.server.emu.state, req.params.userId);
    const base = baseUrl(req);
    return SUPPORTED.map((s) => {
      const enrolled = user.factors.find((f) => f.factorType === s.factorType && f.provider === s.provider);
      return {
        factorType: s.factorType,
        provider: s.provider,
        vendorName: s.provider,
        status: enrolled?.status ?? 'NOT_SETUP',
        enrollment: 'OPTIONAL',
        _links: { enroll: { href: `${base}/api/v1/users/${user.id}/factors`, hints: { allow: ['POST'] } } },
      };
    });
  });

  // Okta's listSupportedSecurityQuestions: the questions a user may pick for a `question` factor.
  app.get<UserParams>('/api/v1/users/:userId/factors/questions', async (req) => {
    resolveUser(req.server.emu.state, req.params.userId);
    return SECURITY_QUESTIONS.map((q) => ({ ...q }));
  });

  app.get<FactorParams>('/api/v1/users/:userId/factors/:factorId', async (req) => {
    const { state, clock } = req.server.emu;
    const factor = resolveFactor(resolveUser(state, req.params.userId), req.params.factorId);
    return serializeFactor(baseUrl(req), factor, clock.now());
  });

  app.post<UserParams>('/api/v1/users/:userId/factors', async (req) => {
    const { state, clock } = req.server.emu;
    const user = resolveUser(state, req.params.userId);
    if (user.status === 'DEPROVISIONED') throw errors.validation('user', ['status: Factors cannot be enrolled for a deactivated user']);
    const body = jsonObject(req);
    const opts = { updatePhone: queryBool(req, 'updatePhone', false), activate: queryBool(req, 'activate', false), tokenLifetimeSeconds: tokenLifetime(req) };
    const factor =
      body.factorType === 'question' && (body.provider ?? 'OKTA') === 'OKTA'
        ? await enrollQuestionFactor(state, user, body)
        : enrollFactor(state, user, body, opts);
    return serializeFactor(baseUrl(req), factor, clock.now());
  });

  for (const path of ['/api/v1/users/:userId/factors/:factorId/lifecycle/activate', '/api/v1/users/:userId/factors/:factorId/lifecycle/activate/poll']) {
    app.post<FactorParams>(path, async (req) => {
      const { state, clock } = req.server.emu;
      const user = resolveUser(state, req.params.userId);
      const factor = resolveFactor(user, req.params.factorId);
      const body = jsonObject(req);
      if (path.endsWith('/poll') && factor.factorType !== 'push') throw errors.validation('factor', ['factor: Only push enrolments are polled']);
      return serializeFactor(baseUrl(req), activateFactor(state, user, factor, body), clock.now());
    });
  }

  app.post<FactorParams>('/api/v1/users/:userId/factors/:factorId/resend', async (req) => {
    const { state, clock } = req.server.emu;
    const user = resolveUser(state, req.params.userId);
    const factor = resolveFactor(user, req.params.factorId);
    resendEnrollCode(state, user, factor, jsonObject(req), tokenLifetime(req));
    return serializeFactor(baseUrl(req), factor, clock.now());
  });

  app.delete<FactorParams>('/api/v1/users/:userId/factors/:factorId', async (req, reply) => {
    const { state } = req.server.emu;
    const user = resolveUser(state, req.params.userId);
    removeFactor(state, user, resolveFactor(user, req.params.factorId));
    return reply.code(204).send();
  });

  // The QR code of a pending TOTP enrolment encodes the otpauth:// URI; a push one encodes an activation link.
  app.get<{ Params: { userId: string; factorId: string; token: string } }>('/api/v1/users/:userId/factors/:factorId/qr/:token', async (req, reply) => {
    const { state } = req.server.emu;
    const user = resolveUser(state, req.params.userId);
    const factor = resolveFactor(user, req.params.factorId);
    if (!factor.qrToken || factor.qrToken !== req.params.token) throw errors.notFound(`${req.params.token} (QR code)`);
    const text =
      factor.factorType === 'token:software:totp'
        ? otpauthUri(factor.secret ?? '', String(user.profile.login))
        : `${factorHref(baseUrl(req), factor)}/lifecycle/activate`;
    return reply.type('image/png').send(await QRCode.toBuffer(text, { margin: 1, width: 200 }));
  });
}
