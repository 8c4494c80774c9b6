// POST /oauth2/v1/token of the org authorization server, for OAuth 2.0 service apps (Okta's "OAuth for Okta":
// client_credentials with a private_key_jwt client assertion; developer.okta.com "Implement OAuth for Okta with a
// service app"). Rules:
// - form body only; grant_type must be client_credentials (400 unsupported_grant_type otherwise);
// - the client authenticates with client_assertion_type jwt-bearer and a JWT signed by a key registered on the app
//   (kid selects it; RS256/384/512, ES256/384/512), iss = sub = the client id (client_id, when sent, must match),
//   aud = this token URL, exp in the future and at most one hour after iat, a jti used once; any failure is 401
//   invalid_client (nothing says which check failed beyond Okta's description);
// - scope is required; every scope must be granted to the app (400 invalid_scope naming the refused ones);
//   OIDC scopes are refused with client_credentials;
// - an app that requires DPoP needs a valid DPoP proof (oauth/dpop.ts) carrying a nonce this server issued: no
//   proof or a bad one is 400 invalid_dpop_proof ("The DPoP proof JWT header is missing." as Okta words it), a
//   proof without a known nonce 400 use_dpop_nonce with a DPoP-Nonce header; the token is then bound to the proof
//   key and its token_type is DPoP;
// - success: {token_type: "Bearer" | "DPoP", expires_in: 3600, access_token, scope}, Cache-Control: no-store.
// Answers are RFC 6749 errors ({error, error_description}), as Okta's OAuth endpoints send, never Okta's errorCode.
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { baseUrl } from '../routes/common.js';
import { verifyDpopProof } from './dpop.js';

export const TOKEN_PATH = '/oauth2/v1/token';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];
const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access', 'groups', 'device_sso']);
const MAX_ASSERTION_LIFETIME_S = 3600;

function oauthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').header('pragma', 'no-cache').send({ error, error_description: description });
}

const CLIENT_FAILED = 'Client authentication failed. Either the client or the client credentials are invalid.';

async function handleToken(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const apps = req.server.emu.serviceApps;
  const clock = req.server.emu.clock;
  const body = (req.body ?? {}) as Record<string, unknown>;
  const field = (name: string): string | undefined => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
  for (const [k, v] of Object.entries(body)) {
    if (typeof v !== 'string') return oauthError(reply, 400, 'invalid_request', `The '${k}' parameter must be given once.`);
  }
  const grantType = field('grant_type');
  if (grantType === undefined) return oauthError(reply, 400, 'invalid_request', "The token request must specify a 'grant_type'.");

  // Client authentication comes first, as with any confidential client.
  const assertion = field('client_assertion');
  if (field('client_assertion_type') !== ASSERTION_TYPE || assertion === undefined) {
    return oauthError(reply, 401, 'invalid_client', CLIENT_FAILED);
  }
  const { decodeJwt, decodeProtectedHeader, jwtVerify } = await import('jose');
  let claimedClient: string | undefined;
  let kid: string | undefined;
  try {
    const claims = decodeJwt(assertion);
    claimedClient = typeof claims.sub === 'string' ? claims.sub : undefined;
    const header = decodeProtectedHeader(assertion);
    kid = typeof header.kid === 'string' ? header.kid : undefined;
  } catch {
    return oauthError(reply, 401, 'invalid_client', 'The client_assertion token is invalid.');
  }
  const sentClientId = field('client_id');
  if (claimedClient === undefined || (sentClientId !== undefined && sentClientId !== claimedClient)) {
    return oauthError(reply, 401, 'invalid_client', CLIENT_FAILED);
  }
  const registered = apps.find(claimedClient);
  const key = registered?.key(kid);
  if (!registered || !key) return oauthError(reply, 401, 'invalid_client', CLIENT_FAILED);
  const tokenUrl = `${baseUrl(req)}${TOKEN_PATH}`;
  let exp: number;
  let iat: number | undefined;
  let jti: string;
  try {
    const { payload } = await jwtVerify(assertion, key, {
      algorithms: ALGORITHMS,
      issuer: claimedClient,
      subject: claimedClient,
      audience: tokenUrl,
      currentDate: new Date(clock.now()),
      clockTolerance: 60,
      requiredClaims: ['exp', 'jti'],
    });
    exp = payload.exp as number;
    iat = payload.iat;
    jti = String(payload.jti);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const description =
      code === 'ERR_JWT_EXPIRED'
        ? 'The client_assertion token is expired.'
        : code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'
          ? 'The client_assertion signature is invalid.'
          : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED'
            ? 'The client_assertion token has an invalid claim (iss, sub, aud, exp or jti).'
            : 'The client_assertion token is invalid.';
    return oauthError(reply, 401, 'invalid_client', description);
  }
  const nowS = Math.floor(clock.now() / 1000);
  if (exp - (iat ?? nowS) > MAX_ASSERTION_LIFETIME_S) {
    return oauthError(reply, 401, 'invalid_client', 'The client_assertion token has an expiration too far into the future.');
  }
  if (!apps.useJti(claimedClient, jti, exp * 1000)) {
    return oauthError(reply, 401, 'invalid_client', "The client_assertion token has already been used (its 'jti' was seen before).");
  }

  if (grantType !== 'client_credentials') {
    return oauthError(reply, 400, 'unsupported_grant_type', `The authorization grant type '${grantType.slice(0, 60)}' is not supported by the authorization server.`);
  }
  const requested = (field('scope') ?? '').split(' ').filter((s) => s !== '');
  if (requested.length === 0) {
    return oauthError(reply, 400, 'invalid_scope', "The authorization server resource does not have any configured default scopes, 'scope' must be provided.");
  }
  const oidc = requested.filter((s) => OIDC_SCOPES.has(s));
  if (oidc.length > 0) return oauthError(reply, 400, 'invalid_scope', `Cannot request '${oidc[0]}' scopes using client credentials.`);
  const refused = requested.filter((s) => !registered.app.scopes.includes(s));
  if (refused.length > 0) return oauthError(reply, 400, 'invalid_scope', `The following scopes are not allowed: ${refused.join(', ').slice(0, 300)}`);
  // A DPoP-bound app needs a valid proof with a server nonce; other apps ignore a DPoP header (okta-sdk-nodejs
  // always sends one and switches to DPoP only when told use_dpop_nonce), and get Bearer tokens.
  let jkt: string | undefined;
  if (registered.app.dpopRequired) {
    const proof = await verifyDpopProof(apps, req.headers.dpop, { method: 'POST', url: tokenUrl, nowMs: clock.now(), requireNonce: true });
    if (!proof.ok) {
      if (proof.error === 'use_dpop_nonce') reply.header('DPoP-Nonce', apps.newNonce());
      return oauthError(reply, 400, proof.error, proof.description);
    }
    jkt = proof.jkt;
  }
  const scopes = [...new Set(requested)];
  const { token, expiresIn } = apps.issue(claimedClient, scopes, jkt);
  return reply
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .send({ token_type: jkt ? 'DPoP' : 'Bearer', expires_in: expiresIn, access_token: token, scope: scopes.join(' ') });
}

export async function registerServiceAppRoutes(app: FastifyInstance): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    await scope.register(formbody, { bodyLimit: 16_384 });
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 16_384 }, (_req, body, done) => done(null, String(body) === '' ? {} : null));
    scope.post(TOKEN_PATH, async (req, reply) => {
      if (req.body === null) return oauthError(reply, 400, 'invalid_request', 'The token request must be form-encoded (application/x-www-form-urlencoded).');
      return handleToken(req, reply);
    });
  });
}
