/** The Okta adapter's public surface. */
export { createOktaIdentityProvider, type OktaIdentityProviderOptions } from './identity-provider.js';
export { createOktaAccountIdentityProvider, type OktaAccountIdentityProviderOptions } from './account.js';
export type { OktaAuthOptions, OktaLogEvent } from './client.js';
export {
  BUCKETS,
  createOktaResilience,
  type CircuitState,
  type OktaResilience,
  type RejectReason,
  type ResilienceOptions,
} from './resilience.js';
export { checkOktaCredential, createCredentialMonitor, describeRefusal, type CredentialMonitor, type CredentialResult } from './credential.js';
