// DPoP proofs (RFC 9449) for service apps that require them, as Okta implements them for "OAuth for Okta"
// (developer.okta.com "Configure OAuth 2.0 Demonstrating Proof-of-Possession", Okta resource server; okta-sdk-nodejs
// src/dpop.js and src/oauth.js, which drive it). Rules:
// - a proof is a JWT with typ "dpop+jwt", an asymmetric alg (RS/ES 256-512) and a public `jwk` header (no private
//   part) that verifies its signature; claims: htm = the request method, htu = the request URL without query
//   (compared percent-decoded, as Okta does: okta-sdk-python issue 541), iat within MAX_AGE_S in the past and
//   SKEW_S in the future (virtual clock), a jti used once; at the token endpoint a `nonce` the server issued
//   (missing or unknown: use_dpop_nonce with a fresh DPoP-Nonce, which the SDK retries with); on the management API
//   `ath` = base64url(SHA-256(access token)) and the key's thumbprint must be the one the token is bound to;
// - every failure is `invalid_dpop_proof` with a description naming the claim, in Okta's wording where it is known
//   ("'htu' claim in the DPoP proof JWT is invalid."); descriptions never include the proof or the token.
import { createHash } from 'node:crypto';
import type { ServiceApps } from './apps.js';

export const DPOP_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];
const MAX_AGE_S = 300;
const SKEW_S = 60;

export type DpopResult = { ok: true; jkt: string } | { ok: false; error: 'invalid_dpop_proof' | 'use_dpop_nonce'; description: string };

const invalid = (description: string): DpopResult => ({ ok: false, error: 'invalid_dpop_proof', description });
const claimInvalid = (claim: string): DpopResult => invalid(`'${claim}' claim in the DPoP proof JWT is invalid.`);

function decodedUrl(u: string): string | null {
  try {
    const url = new URL(u);
    if (url.search !== '' || url.hash !== '') return null;
    return `${url.protocol}//${url.host}${decodeURIComponent(url.pathname).replace(/\/{2,}/g, '/')}`;
  } catch {
    return null;
  }
}

export function accessTokenHash(token: string): string {
  return createHash('sha256').update(token, 'ascii').digest('base64url');
}

export interface DpopExpectation {
  method: string;
  /** The request URL without query (scheme, host, path). */
  url: string;
  nowMs: number;
  /** Token endpoint: the proof must carry a nonce the server issued. */
  requireNonce?: boolean;
  /** Resource request: the access token the proof must be bound to (ath) and its key thumbprint. */
  accessToken?: { value: string; jkt: string };
}

export async function verifyDpopProof(apps: ServiceApps, header: string | string[] | undefined, expect: DpopExpectation): Promise<DpopResult> {
  if (header === undefined || header === '') return invalid('The DPoP proof JWT header is missing.');
  if (Array.isArray(header) || header.split('.').length !== 3) return invalid('The DPoP proof JWT is malformed.');
  const { EmbeddedJWK, calculateJwkThumbprint, decodeProtectedHeader, jwtVerify } = await import('jose');
  let protectedHeader: Awaited<ReturnType<typeof decodeProtectedHeader>>;
  try {
    protectedHeader = decodeProtectedHeader(header);
  } catch {
    return invalid('The DPoP proof JWT is malformed.');
  }
  if (protectedHeader.typ !== 'dpop+jwt') return invalid("The DPoP proof JWT 'typ' header must be 'dpop+jwt'.");
  if (!DPOP_ALGORITHMS.includes(String(protectedHeader.alg))) return invalid("The DPoP proof JWT 'alg' header is not supported.");
  const jwk = protectedHeader.jwk;
  if (!jwk || typeof jwk !== 'object' || 'd' in jwk || 'p' in jwk || 'k' in jwk) return invalid("The DPoP proof JWT 'jwk' header must hold a public key.");
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(header, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: DPOP_ALGORITHMS, currentDate: new Date(expect.nowMs) }));
  } catch {
    return invalid('The DPoP proof JWT signature is invalid.');
  }
  if (typeof payload.htm !== 'string' || payload.htm.toUpperCase() !== expect.method.toUpperCase()) return claimInvalid('htm');
  const htu = typeof payload.htu === 'string' ? decodedUrl(payload.htu) : null;
  if (htu === null || htu !== decodedUrl(expect.url)) return claimInvalid('htu');
  const nowS = Math.floor(expect.nowMs / 1000);
  if (typeof payload.iat !== 'number' || payload.iat > nowS + SKEW_S || payload.iat < nowS - MAX_AGE_S) return claimInvalid('iat');
  if (typeof payload.jti !== 'string' || payload.jti === '' || payload.jti.length > 256) return claimInvalid('jti');
  if (expect.accessToken) {
    if (payload.ath !== accessTokenHash(expect.accessToken.value)) return claimInvalid('ath');
  }
  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  if (expect.accessToken && jkt !== expect.accessToken.jkt) return invalid('The DPoP proof JWT key does not match the key the access token is bound to.');
  if (expect.requireNonce && (typeof payload.nonce !== 'string' || !apps.nonceValid(payload.nonce))) {
    return { ok: false, error: 'use_dpop_nonce', description: 'Authorization server requires nonce in DPoP proof.' };
  }
  // The jti is spent only by a proof that passed every other check (a use_dpop_nonce answer leaves it unused).
  if (!apps.useJti('dpop', `${jkt} ${payload.jti}`, (payload.iat + MAX_AGE_S + SKEW_S) * 1000)) return claimInvalid('jti');
  return { ok: true, jkt };
}
