// Okta user lifecycle operations under /api/v1/users/{id}/lifecycle/*. Rules: each answers Okta's shape (User,
// {resetPasswordUrl}, {activationUrl, activationToken}, {tempPassword} or {}); illegal transitions are 400 E0000001;
// reset_password requires sendEmail; with sendEmail=true the link goes to the outbox (email channel) instead.
import type { FastifyInstance } from 'fastify';
import { errors } from '../errors.js';
import { base62 } from '../ids.js';
import { complexityViolation } from '../org/passwords.js';
import { serializeUser } from '../org/serialize.js';
import { applyLifecycle, assertTransition, setPassword, type LifecycleAction } from '../org/users.js';
import { baseUrl, queryBool, resolveUser } from './common.js';

const SIMPLE: LifecycleAction[] = ['deactivate', 'suspend', 'unsuspend', 'unlock', 'reset_factors'];

export async function registerLifecycleRoutes(app: FastifyInstance): Promise<void> {
  for (const action of SIMPLE) {
    app.post<{ Params: { id: string } }>(`/api/v1/users/:id/lifecycle/${action}`, async (req) => {
      applyLifecycle(req.server.emu.state, resolveUser(req.server.emu.state, req.params.id), action);
      return {};
    });
  }

  for (const action of ['activate', 'reactivate'] as const) {
    app.post<{ Params: { id: string } }>(`/api/v1/users/:id/lifecycle/${action}`, async (req) => {
      const sendEmail = queryBool(req, 'sendEmail', true);
      const { token } = applyLifecycle(req.server.emu.state, resolveUser(req.server.emu.state, req.params.id), action);
      return sendEmail ? {} : { activationUrl: `${baseUrl(req)}/welcome/${token}`, activationToken: token };
    });
  }

  app.post<{ Params: { id: string } }>('/api/v1/users/:id/lifecycle/expire_password', async (req) => {
    const { state } = req.server.emu;
    const user = resolveUser(state, req.params.id);
    if (queryBool(req, 'tempPassword', false)) return { tempPassword: await expireWithTemp(req.server, user.id) };
    applyLifecycle(state, user, 'expire_password');
    return serializeUser(baseUrl(req), user);
  });

  app.post<{ Params: { id: string } }>('/api/v1/users/:id/lifecycle/expire_password_with_temp_password', async (req) => {
    const user = resolveUser(req.server.emu.state, req.params.id);
    return { tempPassword: await expireWithTemp(req.server, user.id) };
  });

  app.post<{ Params: { id: string } }>('/api/v1/users/:id/lifecycle/reset_password', async (req) => {
    const { state, clock } = req.server.emu;
    const user = resolveUser(state, req.params.id);
    const sendEmail = queryBool(req, 'sendEmail', null);
    if (sendEmail === null) throw errors.validation('sendEmail', ['sendEmail: The parameter is required']);
    const revoke = queryBool(req, 'revokeSessions', false);
    const { token } = applyLifecycle(state, user, 'reset_password');
    if (revoke) user.sessions.clear();
    const url = `${baseUrl(req)}/signin/reset-password/${token}`;
    if (!sendEmail) return { resetPasswordUrl: url };
    state.outbox.push({
      id: 'msg' + base62(17),
      channel: 'email',
      to: String(user.profile.email ?? ''),
      text: `A password reset was requested for your account. Reset your password: ${url}`,
      code: null,
      userId: user.id,
      login: String(user.profile.login),
      factorId: null,
      sentAt: clock.iso(),
    });
    return {};
  });
}

/** Sets a random policy-compliant temporary password and expires it. */
async function expireWithTemp(app: FastifyInstance, userId: string): Promise<string> {
  const { state } = app.emu;
  const user = state.findById(userId);
  if (!user) throw errors.notFound(`${userId} (User)`);
  assertTransition(user, 'expire_password');
  let temp = '';
  do temp = `Tmp-${base62(Math.max(state.policy.minLength, 12))}-7a`;
  while (complexityViolation(state.policy, temp, String(user.profile.login)));
  await setPassword(state, user, temp, { strict: false });
  applyLifecycle(state, user, 'expire_password');
  return temp;
}
