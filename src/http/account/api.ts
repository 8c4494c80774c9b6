/**
 * The account's JSON API (/api/v1/account/...): the same AccountService calls as the pages, for scripts and SPAs
 * on the portal's own origin.
 * Rules: the session cookie is the only credential (no live session → 401 SIGN_IN_REQUIRED); bodies validated by
 * accountSchemas.api; errors through the app's error handler (one shape: {"error": {code, message, causes?}});
 * CSRF / Origin / Content-Type checks come from security.ts like every /api POST; responses are built field by
 * field (allow-lists); the core enforces step-up itself (STEP_UP_REQUIRED, 403) on enrol, remove and password.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EnrolmentStart, FactorView } from '../../core/account/api.js';
import { recoveryReadiness } from '../../core/account/readiness.js';
import type { RecoveryMethod } from '../../core/ports.js';
import { iso } from '../api/map.js';
import { normaliseCode } from '../flow.js';
import { PortalError } from '../../core/errors.js';
import { parsePhone } from './phone.js';
import { accountContext, requireSession, type AccountRouteDeps } from './context.js';
import { ACCOUNT_API } from './paths.js';
import { otpauthQrDataUri } from './qr.js';
import { accountSchemas } from './schemas.js';

export function factorJson(f: FactorView) {
  return {
    id: f.id,
    kind: f.kind,
    factorType: f.factorType,
    provider: f.provider,
    status: f.status,
    ...(f.hint !== undefined ? { hint: f.hint } : {}),
  };
}

async function enrolmentJson(r: EnrolmentStart) {
  switch (r.kind) {
    case 'code-sent':
      return { status: 'code_sent', method: r.method, hint: r.hint, resendAfterSeconds: r.resendAfterSeconds } as const;
    case 'totp':
      return {
        status: 'totp_pending',
        method: r.method,
        secret: r.secret,
        otpauthUri: r.otpauthUri,
        qrDataUri: await otpauthQrDataUri(r.otpauthUri),
      } as const;
    case 'push':
      return { status: 'push_pending', qrDataUri: r.qrDataUri, expiresAt: iso(r.expiresAt) } as const;
  }
}

export async function accountApiRoutes(app: FastifyInstance, deps: AccountRouteDeps): Promise<void> {
  const { account } = deps;
  const ctx = async (request: FastifyRequest) => accountContext(await requireSession(request, deps), request);

  app.get(ACCOUNT_API.factors, async (request) => {
    const a = await ctx(request);
    const [factors, stepUpSatisfied] = await Promise.all([account.listFactors(a), account.stepUpSatisfied(a)]);
    return { factors: factors.map(factorJson), stepUpSatisfied, readiness: recoveryReadiness(factors, deps.methods) };
  });

  app.post(ACCOUNT_API.stepUp, { schema: { body: accountSchemas.api.factor } }, async (request) => {
    const r = await account.stepUpStart(await ctx(request), (request.body as { factorId: string }).factorId);
    switch (r.kind) {
      case 'code-sent':
        return { status: 'code_sent', resendAfterSeconds: r.resendAfterSeconds } as const;
      case 'code-ready':
        return { status: 'code_ready' } as const;
      case 'push-waiting':
        return { status: 'push_waiting', correctAnswer: r.correctAnswer, expiresAt: iso(r.expiresAt) } as const;
    }
  });

  app.post(ACCOUNT_API.stepUpVerify, { schema: { body: accountSchemas.api.code } }, async (request) => {
    await account.stepUpVerify(await ctx(request), normaliseCode((request.body as { code: string }).code));
    return { status: 'verified' } as const;
  });

  app.get(ACCOUNT_API.stepUpStatus, async (request) => ({ status: (await account.stepUpStatus(await ctx(request))).state }));

  app.post(ACCOUNT_API.enrol, { schema: { body: accountSchemas.api.enrol } }, async (request) => {
    const b = request.body as { method: RecoveryMethod; phoneNumber?: string; country?: string };
    let phoneNumber = b.phoneNumber;
    // With `country`, the number may be in that country's national format; it goes to the core in E.164.
    if (phoneNumber !== undefined && b.country !== undefined && (b.method === 'sms' || b.method === 'call')) {
      const parsed = await parsePhone(phoneNumber, b.country);
      if (!parsed.ok) throw new PortalError('INVALID_PHONE_NUMBER', { detail: `phone number refused: ${parsed.problem}` });
      phoneNumber = parsed.e164;
    }
    const r = await account.enrolStart(await ctx(request), b.method, phoneNumber !== undefined ? { phoneNumber } : undefined);
    return enrolmentJson(r);
  });

  app.post(ACCOUNT_API.enrolActivate, { schema: { body: accountSchemas.api.code } }, async (request) => {
    const f = await account.enrolActivate(await ctx(request), normaliseCode((request.body as { code: string }).code));
    return { status: 'active', factor: factorJson(f) } as const;
  });

  app.post(ACCOUNT_API.enrolResend, { schema: { body: accountSchemas.api.empty } }, async (request) => {
    const r = await account.enrolResend(await ctx(request));
    return { status: 'code_sent', resendAfterSeconds: r.resendAfterSeconds } as const;
  });

  app.get(ACCOUNT_API.enrolStatus, async (request) => ({ status: (await account.enrolStatus(await ctx(request))).state }));

  app.post(ACCOUNT_API.enrolCancel, { schema: { body: accountSchemas.api.empty } }, async (request) => {
    await account.enrolCancel(await ctx(request));
    return { status: 'cancelled' } as const;
  });

  app.post(ACCOUNT_API.remove, { schema: { body: accountSchemas.api.remove } }, async (request) => {
    const b = request.body as { factorId: string; confirmLastRecoveryMethod?: boolean };
    await account.removeFactor(await ctx(request), b.factorId, { confirmLastRecovery: b.confirmLastRecoveryMethod === true });
    return { status: 'removed' } as const;
  });

  app.post(ACCOUNT_API.password, { schema: { body: accountSchemas.api.password } }, async (request) => {
    const b = request.body as { currentPassword: string; newPassword: string; confirmPassword: string };
    await account.changePassword(await ctx(request), { currentPassword: b.currentPassword, newPassword: b.newPassword, confirmPassword: b.confirmPassword });
    return { status: 'changed' } as const;
  });
}
