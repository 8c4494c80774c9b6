/** The Okta adapter's public surface. */
export { createOktaIdentityProvider, type OktaIdentityProviderOptions } from './identity-provider.js';
export type { OktaAuthOptions, OktaLogEvent } from './client.js';
