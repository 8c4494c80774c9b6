/**
 * Dev mode: sign-in against the emulator child. Registers an OIDC client for this portal's callback URL through the
 * emulator's control API (POST /_emulator/oidc/clients), with a fresh random secret per run, and returns the
 * settings the portal uses (issuer = the emulator's default authorization server). Works for any port, so the
 * seeded demo client (fixed to port 3000) is not needed.
 */
import { randomBytes } from 'node:crypto';
import type { OidcConfig } from '../config/index.js';

export const DEV_OIDC_CLIENT_ID = 'okta-mfa-portal-local';

export async function registerDevOidcClient(
  emulatorUrl: string,
  portal: { publicUrl: string; redirectPath: string; scopes: readonly string[] },
): Promise<OidcConfig> {
  const clientSecret = randomBytes(24).toString('base64url');
  const res = await fetch(`${emulatorUrl}/_emulator/oidc/clients`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      clientId: DEV_OIDC_CLIENT_ID,
      clientSecret,
      clientName: 'Okta MFA Portal (local)',
      redirectUris: [`${portal.publicUrl}${portal.redirectPath}`],
      postLogoutRedirectUris: [`${portal.publicUrl}/`],
      tokenEndpointAuthMethod: 'client_secret_basic',
    }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`the emulator refused the portal's OIDC client (HTTP ${res.status})`);
  const config = { issuer: `${emulatorUrl}/oauth2/default`, clientId: DEV_OIDC_CLIENT_ID, redirectPath: portal.redirectPath, scopes: [...portal.scopes] } as unknown as OidcConfig;
  Object.defineProperty(config, 'clientSecret', { value: clientSecret, enumerable: false });
  return config;
}
