// The emulator's OIDC side: one oidc-provider instance per emulator, acting as Okta's default custom authorization
// server (issuer `${baseUrl}/oauth2/default`). Rules: built lazily on the first OIDC request (importing oidc-provider
// and generating the RSA key take up to a second, and most emulator runs never sign in), with the issuer from
// startEmulator's URL or else from that first request's origin; authorization code flow only ('code'), PKCE S256
// required for public clients; ID tokens RS256 with a key generated once per process (each emulator has its own kid
// and issuer), carrying the scope's claims (as Okta's do) plus auth_time, `amr` and `groups` (the user's group names); consent is implicit (every client
// is first-party); accounts are the org's users in ACTIVE or PASSWORD_EXPIRED; TTLs are Okta's (code 300 s, ID and
// access token 3600 s); oidc-provider keeps real time (it reads Date.now()), so the virtual clock does not move OIDC
// expiries; oidc-provider 9 supports Node 22+ officially and warns on Node 20 at import, a warning suppressed here
// because every API it calls exists in Node >= 20.19 (this project's engines) and the suites pass on Node 20.
import { generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import type { Account, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { OrgState } from '../org/state.js';
import type { UserRecord } from '../org/model.js';
import { base62 } from '../ids.js';
import { OidcStore } from './adapter.js';
import { ClientRegistry } from './clients.js';
import { logoutPage, messagePage, pageHeaders, signedOutPage } from './pages.js';
import { INTERACTION_BASE, OIDC_MOUNT, OIDC_ROUTES } from './paths.js';
import type { OidcClient } from '../seed/schema.js';

/** Users in these states may sign in (and keep using their tokens). */
export const CAN_SIGN_IN = new Set(['ACTIVE', 'PASSWORD_EXPIRED']);

export const TTL = { AuthorizationCode: 300, IdToken: 3600, AccessToken: 3600, Interaction: 3600, Session: 86_400, Grant: 86_400 };

/** Password verified, factor still to check; keyed by interaction uid (bound to the browser by oidc-provider's cookie). */
export interface PendingMfa {
  userId: string;
  factorId: string;
  codeSent: boolean;
  notice: string | null;
  createdAt: number;
}

let providerClass: Promise<typeof Provider> | null = null;
let signingKey: Promise<KeyObject> | null = null;

/** One RSA key per process (2048-bit generation takes up to a second on a busy machine); each issuer differs anyway. */
function processSigningKey(): Promise<KeyObject> {
  signingKey ??= new Promise<KeyObject>((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: 2048 }, (err, _pub, priv) => (err ? reject(err) : resolve(priv))),
  );
  signingKey.catch(() => (signingKey = null));
  return signingKey;
}

/** Imports oidc-provider once, dropping only its "Unsupported runtime" warning (see the header). */
function loadProviderClass(): Promise<typeof Provider> {
  providerClass ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return;
      warn(...args);
    };
    try {
      return (await import('oidc-provider')).default;
    } finally {
      console.warn = warn;
    }
  })();
  return providerClass;
}

export function userClaims(user: UserRecord): Record<string, unknown> {
  const p = user.profile;
  const first = String(p.firstName ?? '');
  const last = String(p.lastName ?? '');
  return {
    sub: user.id,
    name: `${first} ${last}`.trim(),
    given_name: first,
    family_name: last,
    preferred_username: String(p.login ?? ''),
    email: String(p.email ?? ''),
    email_verified: true,
    locale: 'en-US',
    zoneinfo: 'America/Los_Angeles',
    updated_at: Math.floor(user.lastUpdated / 1000),
    groups: [...user.groups],
    ...(typeof p.mobilePhone === 'string' && p.mobilePhone ? { phone_number: p.mobilePhone } : {}),
  };
}

function originOf(uri: unknown): string | null {
  return typeof uri === 'string' ? (URL.parse(uri)?.origin ?? null) : null;
}

export class OidcService {
  readonly clients: ClientRegistry;
  readonly store: OidcStore;
  readonly pending = new Map<string, PendingMfa>();
  private baseUrl: string | null = null;
  private built: Promise<Provider> | null = null;

  constructor(
    readonly state: OrgState,
    readonly orgName: string,
    seedClients: readonly OidcClient[],
  ) {
    this.clients = new ClientRegistry(seedClients);
    this.store = new OidcStore((id) => this.clients.metadata(id));
  }

  /** Fixes the issuer's origin (startEmulator calls this once it listens); ignored once the provider exists. */
  setBaseUrl(url: string): void {
    if (!this.built) this.baseUrl = url.replace(/\/+$/, '');
  }

  get issuer(): string | null {
    return this.baseUrl ? this.baseUrl + OIDC_MOUNT : null;
  }

  /** The provider, built on first use with `fallbackBase` (the request's origin) when no base URL was set. */
  provider(fallbackBase: string): Promise<Provider> {
    if (!this.built) {
      this.baseUrl ??= fallbackBase;
      this.built = this.build(this.baseUrl + OIDC_MOUNT);
      this.built.catch(() => (this.built = null));
    }
    return this.built;
  }

  /** /_emulator/reset: sessions, interactions, grants, codes and tokens go; clients and the signing key stay. */
  reset(): void {
    this.store.clear();
    this.pending.clear();
  }

  /** Remembers a pending MFA step, dropping ones older than an interaction's lifetime. */
  setPending(uid: string, p: PendingMfa): void {
    for (const [k, v] of this.pending) if (p.createdAt - v.createdAt > TTL.Interaction * 1000) this.pending.delete(k);
    this.pending.set(uid, p);
  }

  private async build(issuer: string): Promise<Provider> {
    const ProviderClass = await loadProviderClass();
    const privateKey = await processSigningKey();
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'emu' + base62(17), alg: 'RS256', use: 'sig' };
    const { state, orgName } = this;

    const configuration: Configuration = {
      adapter: this.store.adapterClass(),
      jwks: { keys: [jwk as never] },
      // Cookies ignore ports, so the portal on 127.0.0.1:3000 sees these too: names that cannot clash with its own.
      cookies: {
        keys: [randomBytes(32).toString('base64url')],
        names: { session: 'okta_emu_session', interaction: 'okta_emu_interaction', resume: 'okta_emu_resume' },
      },
      routes: { ...OIDC_ROUTES },
      scopes: ['openid'],
      claims: {
        // `groups`: as a groups claim with a filter (matching every group) set to "Always" on Okta's authorization server.
        openid: ['sub', 'auth_time', 'amr', 'groups'],
        profile: ['name', 'given_name', 'family_name', 'preferred_username', 'locale', 'zoneinfo', 'updated_at'],
        email: ['email', 'email_verified'],
        phone: ['phone_number'],
      },
      conformIdTokenClaims: false,
      responseTypes: ['code'],
      clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post'],
      allowOmittingSingleRegisteredRedirectUri: false,
      pkce: { required: (_ctx, client) => client.clientAuthMethod === 'none' },
      ttl: { ...TTL },
      features: {
        devInteractions: { enabled: false },
        userinfo: { enabled: true },
        introspection: {
          enabled: true,
          allowedPolicy: (_ctx, client, token) => client.clientAuthMethod !== 'none' || token.clientId === client.clientId,
        },
        revocation: { enabled: true, allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: (ctx, form) => {
            const client = ctx.oidc.client;
            const targets = (client?.postLogoutRedirectUris ?? []).map(originOf).filter((o): o is string => o !== null);
            ctx.set(pageHeaders(targets));
            ctx.body = logoutPage(orgName, client ? (client.clientName ?? client.clientId) : null, form);
          },
          postLogoutSuccessSource: (ctx) => {
            ctx.set(pageHeaders());
            ctx.body = signedOutPage(orgName);
          },
        },
      },
      interactions: { url: (_ctx, interaction) => `${INTERACTION_BASE}/${interaction.uid}` },
      findAccount: (_ctx, sub): Account | undefined => {
        const user = state.findById(sub);
        if (!user || !CAN_SIGN_IN.has(user.status)) return undefined;
        return { accountId: user.id, claims: () => userClaims(user) as { sub: string } };
      },
      loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
        // Every client is first-party: consent is implicit, so the grant covers whatever was asked for.
        const { oidc } = ctx;
        const accountId = oidc.session?.accountId;
        const clientId = oidc.client?.clientId;
        if (!accountId || !clientId) return undefined;
        const grantId = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(clientId);
        let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
        if (!grant || grant.accountId !== accountId || grant.clientId !== clientId) {
          grant = new oidc.provider.Grant({ accountId, clientId });
        }
        grant.addOIDCScope([...oidc.requestParamScopes].join(' '));
        const claims = [...oidc.requestParamClaims];
        if (claims.length) grant.addOIDCClaims(claims);
        await grant.save();
        return grant;
      },
      renderError: (ctx, out) => {
        ctx.set(pageHeaders());
        ctx.type = 'html';
        const detail = out.error_description ? `${out.error}: ${out.error_description}` : out.error;
        ctx.body = messagePage(orgName, 'Sign-in error', 'The application sent a request this server cannot handle.', detail);
      },
    };
    return new ProviderClass(issuer, configuration);
  }
}
