// The Okta API scope each emulated management operation needs when it is called with an OAuth access token (the
// `security` of each operation in Okta's management spec: okta.users.read for reads, okta.users.manage for writes;
// test/emulator/oauth-service-app.test.ts checks this table against the spec). Rules: the key is the method plus the
// Fastify route template; an operation the spec allows only with an API token (GET /factors/questions) maps to null,
// so a Bearer token is refused there; /api/v1/authn is public and needs no scope. okta.users.manage does not imply
// okta.users.read here: Okta's documentation does not say it does, and the spec lists only the read scope on reads,
// so the stricter answer is taken. The password policy list (GET /api/v1/policies) needs okta.policies.read.
export const READ = 'okta.users.read';
export const MANAGE = 'okta.users.manage';
export const POLICIES_READ = 'okta.policies.read';

/** Scope needed for `${method} ${routeTemplate}`; null = not allowed with an OAuth token; undefined = no scope needed. */
/** Read-only operations outside /api/v1/users and the scope the spec's `security` lists for each. */
const OTHER_READS: Record<string, string> = {
  '/api/v1/meta/schemas/user/:schemaId': 'okta.schemas.read',
  '/api/v1/meta/types/user/:typeId': 'okta.userTypes.read',
};

export function requiredScope(method: string, route: string): string | null | undefined {
  if (route === '/api/v1/authn' || route.startsWith('/api/v1/authn/')) return undefined;
  const other = OTHER_READS[route];
  if (other !== undefined) return method === 'GET' || method === 'HEAD' ? other : null;
  if (route === '/api/v1/policies') return method === 'GET' || method === 'HEAD' ? POLICIES_READ : null; // list only
  if (!route.startsWith('/api/v1/users')) return null; // nothing else is emulated under /api/v1
  if (route === '/api/v1/users/:userId/factors/questions') return null; // spec: apiToken only
  return method === 'GET' || method === 'HEAD' ? READ : MANAGE;
}
