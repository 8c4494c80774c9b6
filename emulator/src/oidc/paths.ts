// Where the emulated OIDC side lives, and what of its requests may be recorded. Rules: the default custom
// authorization server is mounted at /oauth2/default (issuer `${baseUrl}/oauth2/default`), with Okta's endpoint
// paths; every /oauth2 path is exempt from SSWS authentication and the Okta JSON body parsers (OAuth endpoints
// never take an API token and speak form bodies) but keeps the request id, Date, faults, rate limits and the request
// log; query values that are credentials (ID tokens, codes, verifiers, secrets, tokens) are redacted in the log.

export const OIDC_MOUNT = '/oauth2/default';

/** oidc-provider route paths, relative to OIDC_MOUNT (Okta's names). */
export const OIDC_ROUTES = {
  authorization: '/v1/authorize',
  token: '/v1/token',
  userinfo: '/v1/userinfo',
  jwks: '/v1/keys',
  end_session: '/v1/logout',
  revocation: '/v1/revoke',
  introspection: '/v1/introspect',
  pushed_authorization_request: '/v1/par',
} as const;

/** The emulator's own sign-in pages for an interaction uid. */
export const INTERACTION_BASE = `${OIDC_MOUNT}/interaction`;
export const LOGIN_CSS_PATH = `${OIDC_MOUNT}/assets/login.css`;

/** True for every /oauth2 path: OAuth endpoints, never SSWS-authenticated. */
export function isOidcPath(path: string): boolean {
  return path === '/oauth2' || path.startsWith('/oauth2/');
}

const SECRET_PARAMS = new Set([
  'id_token_hint',
  'code',
  'code_verifier',
  'client_secret',
  'client_assertion',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'sessionToken',
  'request',
  'login_hint_token',
]);

/** A copy of the parsed query with credential values replaced by "[redacted]". */
export function redactOidcQuery(query: Record<string, string | string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(query)) out[k] = SECRET_PARAMS.has(k) ? '[redacted]' : v;
  return out;
}
