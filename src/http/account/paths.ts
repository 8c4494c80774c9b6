/**
 * Route paths of sign-in and the account ("My security methods"), relative to the public base path like PATHS.
 * Rules: as for PATHS, links and redirects are built only from these constants, the configured base path and the
 * configured callback path; never from the request (no open redirect: a pending action is stored server-side and
 * named by kind, never by a URL).
 */
export const AUTH_PATHS = {
  signIn: '/auth/signin',
  signOut: '/auth/signout',
  /** The default callback path (OIDC_REDIRECT_PATH may name another). */
  callback: '/auth/callback',
} as const;

export const ACCOUNT_PATHS = {
  home: '/account',
  /** Step-up: choose a factor (GET), start it (POST). */
  verify: '/account/verify',
  verifyCode: '/account/verify/code',
  verifyPush: '/account/verify/push',
  verifyEvents: '/account/verify/events',
  verifyStatus: '/account/verify/status',
  /** After a push step-up: confirm the action the user asked for (GET shows it, POST runs it). */
  continue: '/account/continue',
  enrol: '/account/enrol',
  enrolCode: '/account/enrol/code',
  enrolTotp: '/account/enrol/totp',
  enrolPush: '/account/enrol/push',
  enrolEvents: '/account/enrol/events',
  enrolStatus: '/account/enrol/status',
  enrolResend: '/account/enrol/resend',
  enrolCancel: '/account/enrol/cancel',
  /** Continue a set-up left pending (POST, method): its page again, or a fresh start when it cannot be shown again. */
  enrolResume: '/account/enrol/resume',
  /** GET ?factor=ID: the removal confirmation; POST (confirm=yes): the removal. */
  remove: '/account/factors/remove',
  password: '/account/password',
} as const;

export const ACCOUNT_API = {
  factors: '/api/v1/account/factors',
  stepUp: '/api/v1/account/step-up',
  stepUpVerify: '/api/v1/account/step-up/verify',
  stepUpStatus: '/api/v1/account/step-up/status',
  enrol: '/api/v1/account/enrolment',
  enrolActivate: '/api/v1/account/enrolment/activate',
  enrolResend: '/api/v1/account/enrolment/resend',
  enrolStatus: '/api/v1/account/enrolment/status',
  enrolCancel: '/api/v1/account/enrolment/cancel',
  remove: '/api/v1/account/factors/remove',
  password: '/api/v1/account/password',
} as const;

/** The account pages the language switch may return to (GET pages that need no query). */
export const ACCOUNT_LANG_TARGETS: readonly string[] = [
  ACCOUNT_PATHS.home,
  ACCOUNT_PATHS.verify,
  ACCOUNT_PATHS.verifyCode,
  ACCOUNT_PATHS.verifyPush,
  ACCOUNT_PATHS.continue,
  ACCOUNT_PATHS.enrolCode,
  ACCOUNT_PATHS.enrolTotp,
  ACCOUNT_PATHS.enrolPush,
  ACCOUNT_PATHS.password,
];
