/**
 * The portal's OpenID Connect relying party, on openid-client v6: the authorization-code flow with PKCE (S256),
 * `state` and `nonce`, against one issuer (an Okta org authorization server or a custom one such as /oauth2/default).
 * Rules:
 * - Discovery is lazy (first sign-in) and cached; a failed discovery is retried on the next sign-in, so an
 *   unreachable IdP never stops the portal (or its recovery pages) from starting.
 * - The ID token is validated in full: signature against the issuer's JWKS (enableNonRepudiationChecks: the token
 *   endpoint's answer is not trusted for its transport alone, which matters on http:// loopback in dev), iss, aud,
 *   azp, exp, iat and nonce; state, the authorization response's `iss` (RFC 9207) and the PKCE verifier are checked
 *   by openid-client too.
 * - http:// issuers are used only for loopback hosts (the dev emulator); configuration refuses any other.
 * - The callback URL handed to openid-client is the configured redirect URI plus the request's query string: never
 *   the Host header.
 * - Failures become an OidcError with a short, safe reason and an OAuth error code at most: never a token, a code,
 *   a verifier or a secret.
 */
import type * as Oidc from 'openid-client';

// openid-client (with oauth4webapi and jose) is imported on the first sign-in, not at start-up: a portal without
// OIDC never needs it, and one with OIDC needs it first for the discovery, which is lazy anyway.
let loaded: typeof Oidc | null = null;
let loading: Promise<typeof Oidc> | null = null;
function loadOidc(): Promise<typeof Oidc> {
  loading ??= import('openid-client').then(
    (m) => (loaded = m),
    (err: unknown) => {
      loading = null; // try again next time
      throw err;
    },
  );
  return loading;
}

export interface OidcSettings {
  /** The issuer exactly as the provider spells it (no trailing slash), e.g. https://dev-1.okta.com/oauth2/default. */
  issuer: string;
  clientId: string;
  /** Confidential client (client_secret_basic) when set; public client (PKCE only) when null. */
  clientSecret: string | null;
  /** Absolute callback URL registered with the provider (PUBLIC_URL + OIDC_REDIRECT_PATH). */
  redirectUri: string;
  scopes: readonly string[];
  /** Deadline of each call to the provider. */
  timeoutMs: number;
  /** Replaces fetch for the calls to the provider (tests only: they tamper with the provider's answers). */
  fetch?: Oidc.CustomFetch | undefined;
}

/** What the portal keeps server-side between the redirect to the provider and the callback. */
export interface SignInChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface SignInStart extends SignInChecks {
  /** The provider's authorization URL to redirect the browser to. */
  url: string;
}

/** The signed-in user, from the validated ID token. */
export interface SignedInUser {
  /** `sub`: the Okta user id. */
  userId: string;
  /** preferred_username, else email, else sub. */
  login: string;
  name: string | null;
  /** The email claim (needs the `email` scope), or null. */
  email?: string | null;
  /** Kept server-side for the end-session request's id_token_hint. */
  idToken: string;
  /**
   * The ID token's `groups` claim (Okta: a groups claim with a filter on the authorization server, or the `groups`
   * scope of the org authorization server): group names, at most MAX_GROUPS, each at most 256 characters; [] when
   * absent or malformed. Admission to the help-desk and insights pages rests on it.
   */
  groups: string[];
}

export const MAX_GROUPS = 200;

/** The `groups` claim as a list of names: only strings are kept; anything else gives []. */
export function groupsClaim(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return v.filter((g): g is string => typeof g === 'string' && g !== '' && g.length <= 256).slice(0, MAX_GROUPS);
}

export type OidcFailure =
  /** The user cancelled or the provider refused (error=access_denied, login_required ...). */
  | 'denied'
  /** state, iss or response shape wrong: a forged or stale callback. */
  | 'invalid_response'
  /** The code exchange was refused (invalid_grant: replayed / expired code, wrong verifier; invalid_client). */
  | 'invalid_grant'
  /** The ID token failed validation (signature, iss, aud, exp, nonce ...). */
  | 'invalid_id_token'
  /** Discovery or a call to the provider failed (network, timeout, 5xx). */
  | 'unavailable';

export class OidcError extends Error {
  constructor(
    readonly reason: OidcFailure,
    /** Safe, log-only detail: an OAuth error code or a library error code, never a value from the flow. */
    readonly detail: string,
  ) {
    super(`sign-in failed: ${reason} (${detail})`);
    this.name = 'OidcError';
  }
}

export interface OidcClient {
  readonly issuer: string;
  /** Builds the authorization request; the caller stores the checks server-side and redirects to `url`. */
  startSignIn(): Promise<SignInStart>;
  /** Exchanges the callback's code and validates the ID token; `query` is the callback's raw query string. */
  finishSignIn(query: string, checks: SignInChecks): Promise<SignedInUser>;
  /** The provider's end-session URL (RP-initiated logout), or null when it publishes none / is unreachable. */
  endSessionUrl(idToken: string | null, postLogoutRedirectUri: string): Promise<string | null>;
}

function isLoopback(url: URL): boolean {
  const h = url.hostname;
  return h === '127.0.0.1' || h === 'localhost' || h === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function errorCode(err: unknown): string {
  const e = err as { code?: unknown; error?: unknown; name?: unknown } | null;
  if (e && typeof e.error === 'string') return e.error.slice(0, 60); // OAuth error code from the provider
  if (e && typeof e.code === 'string') return e.code.slice(0, 60);
  if (e && typeof e.name === 'string') return e.name.slice(0, 60);
  return 'unknown';
}

/** The messages of an error and its causes (openid-client wraps oauth4webapi's specific error in `cause`). */
function messages(err: unknown): string {
  const out: string[] = [];
  let e: unknown = err;
  for (let i = 0; i < 4 && e instanceof Error; i++) {
    out.push(e.message);
    e = e.cause;
  }
  return out.join(' | ');
}

/** Maps an openid-client error on the callback to a failure reason. */
export function classify(err: unknown): OidcError {
  if (err instanceof OidcError) return err;
  const code = errorCode(err);
  // An openid-client error implies openid-client is loaded.
  if (loaded && err instanceof loaded.AuthorizationResponseError) return new OidcError('denied', code);
  if (loaded && err instanceof loaded.ResponseBodyError) {
    // The provider answered the token request with an OAuth error (invalid_grant, invalid_client ...).
    return new OidcError(err.status >= 500 ? 'unavailable' : 'invalid_grant', code);
  }
  const text = messages(err);
  if (/response parameter/i.test(text)) return new OidcError('invalid_response', code); // state, iss, code missing
  if (/JWT|JWS|ID Token|signature|id_token/i.test(text) || code === 'OAUTH_KEY_SELECTION_FAILED') {
    return new OidcError('invalid_id_token', code);
  }
  if (err instanceof TypeError || /timeout|abort|fetch failed|ECONNREFUSED/i.test(text) || code === 'OAUTH_RESPONSE_IS_NOT_CONFORM') {
    return new OidcError('unavailable', code);
  }
  return new OidcError('invalid_response', code);
}

export function createOidcClient(settings: OidcSettings): OidcClient {
  const issuerUrl = new URL(settings.issuer);
  const insecure = issuerUrl.protocol === 'http:';
  if (insecure && !isLoopback(issuerUrl)) throw new Error('OIDC issuer: http:// is allowed only for loopback hosts');
  const timeout = Math.max(1, Math.ceil(settings.timeoutMs / 1000));
  let configuration: Promise<Oidc.Configuration> | null = null;

  const discover = (oidc: typeof Oidc): Promise<Oidc.Configuration> => {
    const execute: Array<(c: Oidc.Configuration) => void> = [oidc.enableNonRepudiationChecks];
    if (insecure) execute.push(oidc.allowInsecureRequests);
    const metadata: Partial<Oidc.ClientMetadata> = { redirect_uris: [settings.redirectUri], response_types: ['code'] };
    if (settings.clientSecret !== null) metadata.client_secret = settings.clientSecret;
    const auth = settings.clientSecret !== null ? oidc.ClientSecretBasic(settings.clientSecret) : oidc.None();
    if (settings.fetch) {
      const custom = settings.fetch;
      execute.push((c) => {
        c[oidc.customFetch] = custom;
      });
    }
    const options: Oidc.DiscoveryRequestOptions = { execute, timeout, ...(settings.fetch ? { [oidc.customFetch]: settings.fetch } : {}) };
    return oidc.discovery(issuerUrl, settings.clientId, metadata, auth, options);
  };
  const configure = (): Promise<Oidc.Configuration> => {
    configuration ??= loadOidc()
      .then(discover)
      .catch((err: unknown) => {
        configuration = null; // try again next time
        throw new OidcError('unavailable', `discovery: ${errorCode(err)}`);
      });
    return configuration;
  };

  return {
    issuer: settings.issuer,

    async startSignIn() {
      const config = await configure();
      const oidc = await loadOidc(); // loaded by configure()
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: settings.scopes.join(' '),
        response_type: 'code',
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url: url.href, state, nonce, codeVerifier };
    },

    async finishSignIn(query, checks) {
      const config = await configure();
      const oidc = await loadOidc();
      const current = new URL(settings.redirectUri);
      current.search = query;
      let tokens: Awaited<ReturnType<typeof Oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
      } catch (err) {
        throw classify(err);
      }
      const claims = tokens.claims();
      const idToken = tokens.id_token;
      if (!claims || typeof idToken !== 'string' || typeof claims.sub !== 'string' || claims.sub === '') {
        throw new OidcError('invalid_id_token', 'no id_token or sub');
      }
      const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 256) : null);
      return {
        userId: claims.sub,
        login: str(claims.preferred_username) ?? str(claims.email) ?? claims.sub,
        name: str(claims.name),
        // Where notifications go (issue 14, item 4): the ID token's email claim, so the account needs no Okta read.
        email: typeof claims.email === 'string' && /^[^\s@]+@[^\s@]+$/.test(claims.email) ? claims.email.slice(0, 256) : null,
        idToken,
        groups: groupsClaim(claims.groups),
      };
    },

    async endSessionUrl(idToken, postLogoutRedirectUri) {
      let config: Oidc.Configuration;
      try {
        config = await configure();
      } catch {
        return null;
      }
      const oidc = await loadOidc();
      if (!config.serverMetadata().end_session_endpoint) return null;
      const params: Record<string, string> = { post_logout_redirect_uri: postLogoutRedirectUri, client_id: settings.clientId };
      if (idToken) params.id_token_hint = idToken;
      return oidc.buildEndSessionUrl(config, params).href;
    },
  };
}
