// OAuth 2.0 service apps of the org authorization server (Okta's "API Services" apps): the registered public keys,
// the okta.* scopes granted to each app, and the access tokens issued to them. Rules: keys come from the seed as
// public JWKs with a `kid` (a private part is refused); access tokens are random opaque strings that live
// TOKEN_LIFETIME_SECONDS on the virtual clock (Okta's org authorization server issues one-hour tokens); each
// client-assertion `jti` is accepted once while the assertion could still be valid (Okta refuses a replayed
// assertion); reset() forgets every token and jti, never the apps.
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Clock } from '../clock.js';
import { opaqueToken } from '../ids.js';
import type { ServiceApp } from '../seed/schema.js';

export const TOKEN_LIFETIME_SECONDS = 3600;
/** How long a DPoP nonce the token endpoint hands out stays acceptable (virtual time). */
export const DPOP_NONCE_LIFETIME_SECONDS = 3600;

export interface IssuedToken {
  clientId: string;
  scopes: ReadonlySet<string>;
  expiresAt: number;
  /** DPoP-bound tokens: the JWK SHA-256 thumbprint of the proof key (RFC 9449 cnf.jkt). */
  jkt?: string;
}

interface RegisteredApp {
  app: ServiceApp;
  keys: Map<string, KeyObject>;
}

export class ServiceApps {
  private readonly apps = new Map<string, RegisteredApp>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly usedJtis = new Map<string, number>();
  private readonly nonces = new Map<string, number>();

  constructor(
    apps: ServiceApp[],
    private readonly clock: Clock,
  ) {
    for (const app of apps) {
      const keys = new Map<string, KeyObject>();
      for (const jwk of app.jwks.keys) keys.set(jwk.kid, createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }));
      this.apps.set(app.clientId, { app, keys });
    }
  }

  find(clientId: string): { app: ServiceApp; key(kid: string | undefined): KeyObject | undefined } | undefined {
    const r = this.apps.get(clientId);
    if (!r) return undefined;
    return { app: r.app, key: (kid) => (kid === undefined ? (r.keys.size === 1 ? [...r.keys.values()][0] : undefined) : r.keys.get(kid)) };
  }

  /** Records a client assertion's jti until `expiresAtMs`; false when it was already used. */
  useJti(clientId: string, jti: string, expiresAtMs: number): boolean {
    const now = this.clock.now();
    for (const [k, exp] of this.usedJtis) if (exp <= now) this.usedJtis.delete(k);
    const key = `${clientId} ${jti}`;
    if (this.usedJtis.has(key)) return false;
    this.usedJtis.set(key, expiresAtMs);
    return true;
  }

  issue(clientId: string, scopes: string[], jkt?: string): { token: string; expiresIn: number } {
    const now = this.clock.now();
    for (const [k, t] of this.tokens) if (t.expiresAt <= now) this.tokens.delete(k);
    const token = 'eyEmu.' + opaqueToken(40);
    this.tokens.set(token, { clientId, scopes: new Set(scopes), expiresAt: now + TOKEN_LIFETIME_SECONDS * 1000, ...(jkt ? { jkt } : {}) });
    return { token, expiresIn: TOKEN_LIFETIME_SECONDS };
  }

  /** A fresh DPoP nonce (the DPoP-Nonce header of a use_dpop_nonce answer). */
  newNonce(): string {
    const now = this.clock.now();
    for (const [k, exp] of this.nonces) if (exp <= now) this.nonces.delete(k);
    const nonce = opaqueToken(24);
    this.nonces.set(nonce, now + DPOP_NONCE_LIFETIME_SECONDS * 1000);
    return nonce;
  }

  nonceValid(nonce: string): boolean {
    const exp = this.nonces.get(nonce);
    return exp !== undefined && exp > this.clock.now();
  }

  /** The live token, or undefined when it is unknown or expired. */
  lookup(token: string): IssuedToken | undefined {
    const t = this.tokens.get(token);
    if (!t) return undefined;
    if (t.expiresAt <= this.clock.now()) {
      this.tokens.delete(token);
      return undefined;
    }
    return t;
  }

  reset(): void {
    this.tokens.clear();
    this.usedJtis.clear();
    this.nonces.clear();
  }
}
