/**
 * Sign-in (OIDC) and "My security methods": the routes buildApp registers when sign-in is configured
 * (AccountHttpOptions). Without it none of these routes exist, so /auth/* and /account* answer 404.
 */
import type { FastifyInstance } from 'fastify';
import type { ResolvedHttpConfig } from '../config.js';
import { helpdeskRoutes } from '../helpdesk/routes.js';
import { insightsRoutes } from '../insights/routes.js';
import { accountApiRoutes } from './api.js';
import { authRoutes } from './auth-routes.js';
import type { AccountHttpOptions } from './context.js';
import { accountPageRoutes } from './pages.js';

export type { AccountHttpOptions } from './context.js';
export { createUiStateStore } from './ui-state.js';
export { ACCOUNT_API, ACCOUNT_LANG_TARGETS, ACCOUNT_PATHS, AUTH_PATHS } from './paths.js';

export async function accountRoutes(app: FastifyInstance, cfg: ResolvedHttpConfig, opts: AccountHttpOptions): Promise<void> {
  const deps = { ...opts, cfg };
  await authRoutes(app, deps);
  await accountPageRoutes(app, deps);
  await accountApiRoutes(app, deps);
  if (opts.helpdesk) await helpdeskRoutes(app, deps, opts.helpdesk);
  if (opts.insights) await insightsRoutes(app, deps, opts.insights);
}
