/**
 * Access tokens for an OAuth 2.0 service app (Okta's "API service integration" with private_key_jwt):
 * client_credentials at `{orgUrl}/oauth2/v1/token` with a client assertion signed by the configured key
 * (RFC 7523: iss = sub = client id, aud = the token URL, a fresh jti, 5 minutes), signed by `jose` (loaded only in
 * this mode). Rules:
 * - one token request at a time: concurrent calls wait for the same request;
 * - a token is reused until 60 s before it expires, and dropped at once when Okta answers 401 to it;
 * - Okta's DPoP-bound tokens are refused with a clear message (the service app must not require DPoP);
 * - the token, the assertion and the key never reach a log line or an error message.
 */
import { createPrivateKey, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import { OktaApiError, type OktaHttp } from './http.js';

export interface PrivateKeyAuth {
  clientId: string;
  keyId: string;
  /** Unencrypted PEM (PKCS#1 / PKCS#8 / SEC1, RSA or EC) or a private JWK as JSON. */
  privateKeyPem: string;
  scopes: readonly string[];
}

export interface TokenSource {
  /** A Bearer token; `report` is told about the token request if one is made. */
  get(signal: AbortSignal, report: (status: number | 'error', ms: number) => void): Promise<string>;
  /** Okta refused the token (401): the next call fetches a new one. */
  invalidate(token: string): void;
}

const REFRESH_MARGIN_MS = 60_000;
const ASSERTION_LIFETIME_S = 300;

/** The key and its JWS algorithm; throws on a key Okta cannot use (checked at start by the configuration). */
export function signingKeyOf(text: string): { key: KeyObject; alg: string } {
  const trimmed = text.trim();
  const key = trimmed.startsWith('{')
    ? createPrivateKey({ key: JSON.parse(trimmed) as JsonWebKey, format: 'jwk' })
    : createPrivateKey(trimmed);
  if (key.asymmetricKeyType === 'rsa') return { key, alg: 'RS256' };
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const alg = curve === 'prime256v1' ? 'ES256' : curve === 'secp384r1' ? 'ES384' : curve === 'secp521r1' ? 'ES512' : undefined;
    if (alg !== undefined) return { key, alg };
  }
  throw new Error('the private key must be RSA or EC (P-256, P-384, P-521)');
}

export function createTokenSource(http: OktaHttp, orgUrl: string, auth: PrivateKeyAuth, now: () => number): TokenSource {
  const tokenUrl = `${orgUrl}/oauth2/v1/token`;
  let signing: { key: KeyObject; alg: string } | undefined;
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function assertion(): Promise<string> {
    signing ??= signingKeyOf(auth.privateKeyPem);
    const { SignJWT } = await import('jose');
    const nowS = Math.floor(now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: signing.alg, kid: auth.keyId })
      .setIssuer(auth.clientId)
      .setSubject(auth.clientId)
      .setAudience(tokenUrl)
      .setIssuedAt(nowS)
      .setExpirationTime(nowS + ASSERTION_LIFETIME_S)
      .setJti(randomUUID())
      .sign(signing.key);
  }

  async function fetchToken(signal: AbortSignal, report: (status: number | 'error', ms: number) => void): Promise<string> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      scope: auth.scopes.join(' '),
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await assertion(),
    });
    const started = performance.now();
    let res;
    try {
      res = await http.send({ method: 'POST', path: '/oauth2/v1/token', form, signal });
    } catch (err) {
      report('error', Math.round(performance.now() - started));
      throw err;
    }
    report(res.status, Math.round(performance.now() - started));
    const parsed = http.parse(res); // OktaApiError on >= 400, OktaTransportError on a body that is not JSON
    const body = (parsed !== null && typeof parsed === 'object' ? parsed : {}) as { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
    if (typeof body.token_type === 'string' && body.token_type.toLowerCase() === 'dpop') {
      throw new OktaApiError(400, 'dpop_not_supported', undefined, undefined, {});
    }
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new OktaApiError(502, 'no_access_token', undefined, undefined, {});
    }
    const lifetimeMs = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : 3_600_000;
    cached = { token: body.access_token, refreshAt: now() + Math.max(lifetimeMs - REFRESH_MARGIN_MS, lifetimeMs / 2) };
    return body.access_token;
  }

  return {
    get(signal, report) {
      if (cached !== undefined && now() < cached.refreshAt) return Promise.resolve(cached.token);
      // Single flight: callers arriving while a token is being fetched share it (the first caller's deadline
      // bounds the request; if it gives up, the next caller starts a new one).
      pending ??= fetchToken(signal, report).finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}
