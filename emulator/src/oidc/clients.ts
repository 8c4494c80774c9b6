// The OIDC clients of the emulated default authorization server: the seed's `oidcClients` plus clients registered at
// run time through the control API (POST /_emulator/oidc/clients). Rules: input is validated by the seed schema's
// oidcClientSchema; a client authenticates with client_secret_basic when it has a secret and no method, else it is
// public ('none', PKCE required); registering an existing clientId replaces it; clients survive /_emulator/reset
// (they are configuration, like the API token); secrets are never returned by the control API.
import type { AdapterPayload } from 'oidc-provider';
import type { OidcAuthMethod, OidcClient } from '../seed/schema.js';

export function authMethodOf(c: OidcClient): OidcAuthMethod {
  return c.tokenEndpointAuthMethod ?? (c.clientSecret === undefined ? 'none' : 'client_secret_basic');
}

/** oidc-provider client metadata (RFC 7591 names) for a validated client. */
export function toMetadata(c: OidcClient): AdapterPayload {
  const method = authMethodOf(c);
  return {
    client_id: c.clientId,
    ...(method === 'none' ? {} : { client_secret: c.clientSecret }),
    ...(c.clientName ? { client_name: c.clientName } : {}),
    application_type: 'web',
    redirect_uris: [...c.redirectUris],
    post_logout_redirect_uris: [...c.postLogoutRedirectUris],
    token_endpoint_auth_method: method,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    id_token_signed_response_alg: 'RS256',
  };
}

/** What the control API shows of a client (never the secret). */
export function describeClient(c: OidcClient): Record<string, unknown> {
  return {
    clientId: c.clientId,
    clientName: c.clientName ?? null,
    tokenEndpointAuthMethod: authMethodOf(c),
    hasSecret: c.clientSecret !== undefined,
    redirectUris: c.redirectUris,
    postLogoutRedirectUris: c.postLogoutRedirectUris,
    mfaRequired: c.mfaRequired,
  };
}

export class ClientRegistry {
  private readonly clients = new Map<string, OidcClient>();

  constructor(seedClients: readonly OidcClient[]) {
    for (const c of seedClients) this.clients.set(c.clientId, c);
  }

  get(clientId: string): OidcClient | undefined {
    return this.clients.get(clientId);
  }

  /** Adds or replaces; true when the clientId was new. */
  put(c: OidcClient): boolean {
    const isNew = !this.clients.has(c.clientId);
    this.clients.set(c.clientId, c);
    return isNew;
  }

  delete(clientId: string): boolean {
    return this.clients.delete(clientId);
  }

  all(): OidcClient[] {
    return [...this.clients.values()];
  }

  metadata(clientId: string): AdapterPayload | undefined {
    const c = this.clients.get(clientId);
    return c ? toMetadata(c) : undefined;
  }
}
