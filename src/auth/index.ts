/**
 * The sign-in module's public surface: the OIDC relying party (openid-client), sign-in transactions and
 * server-side sessions. The HTTP routes live in src/http/account; the composition root builds these.
 */
export {
  createOidcClient,
  classify as classifyOidcError,
  OidcError,
  type OidcClient,
  groupsClaim,
  type OidcFailure,
  type OidcSettings,
  type SignedInUser,
  type SignInChecks,
  type SignInStart,
} from './oidc.js';
export { createSessionManager, isSessionToken, type SessionManager, type SessionRecord, type SessionSettings } from './sessions.js';
export { createTransactionStore, isTransactionKey, SIGN_IN_STARTS, TRANSACTION_TTL_MS, type SignInTransaction, type TransactionStore } from './transactions.js';
