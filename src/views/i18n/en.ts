/**
 * English message catalogue: every user-visible string of the HTML pages.
 * Rules: plain text only (the templates escape it); parametrised messages are small functions; error texts are
 * keyed by the stable error code so a page never shows an internal detail.
 */
import type { ErrorCode } from '../../core/errors.js';
import type { RecoveryMethod } from '../../core/ports.js';

export const en = {
  lang: 'en',
  skipToContent: 'Skip to content',
  common: {
    startAgain: 'Start again',
    tryAnotherMethod: 'Try another method',
    tryAgain: 'Try again',
    continue: 'Continue',
    reload: 'Reload the page',
    home: 'Back to the start page',
    support: 'Need help? Contact support',
    reference: (id: string) => `Reference: ${id}`,
    retryAfter: (seconds: number) =>
      seconds === 1 ? 'Try again in 1 second.' : `Try again in ${seconds} seconds.`,
    errorHeading: 'There is a problem',
  },
  landing: {
    title: (org: string) => `${org} account recovery`,
    heading: (org: string) => `${org} account recovery`,
    lead: 'Forgot your password? Reset it yourself with one of your verification methods.',
    forgot: 'Forgot password',
  },
  start: {
    title: 'Reset your password',
    heading: 'Reset your password',
    lead: 'Enter the username or email address of your account.',
    label: 'Username or email',
    submit: 'Continue',
    empty: 'Enter your username or email address.',
    invalid: 'Enter a valid username or email address.',
  },
  method: {
    title: 'Choose a verification method',
    heading: 'How do you want to verify it is you?',
    legend: 'Verification method',
    submit: 'Continue',
    none: 'No verification method is available. Contact support.',
    labels: {
      sms: 'Text message (SMS)',
      call: 'Voice call',
      push: 'Okta Verify push',
      'google-authenticator': 'Google Authenticator',
      'okta-verify-code': 'Okta Verify code',
    } satisfies Record<RecoveryMethod, string>,
    descriptions: {
      sms: 'We send a code to your phone by text message.',
      call: 'We call your phone and read a code.',
      push: 'Approve a notification in the Okta Verify app.',
      'google-authenticator': 'Enter the code shown in Google Authenticator.',
      'okta-verify-code': 'Enter the code shown in the Okta Verify app.',
    } satisfies Record<RecoveryMethod, string>,
  },
  code: {
    title: 'Enter your code',
    heading: 'Enter your verification code',
    lead: {
      sms: 'If the account has a phone for text messages, we sent a code to it.',
      call: 'If the account has a phone for voice calls, we are calling it with a code.',
      push: '',
      'google-authenticator': 'Open Google Authenticator and enter the current code.',
      'okta-verify-code': 'Open Okta Verify and enter the current code.',
    } satisfies Record<RecoveryMethod, string>,
    label: 'Verification code',
    hint: '6 to 8 digits',
    submit: 'Verify',
    empty: 'Enter the code.',
    resend: 'Send a new code',
    resendInOne: 'You can ask for a new code in 1 second.',
    /** `{n}` is replaced by the number of seconds (here and in /assets/countdown.js). */
    resendInMany: 'You can ask for a new code in {n} seconds.',
    resendReady: 'You can ask for a new code now.',
    resent: 'A new code is on its way.',
  },
  push: {
    title: 'Approve the push',
    heading: 'Check your phone',
    number: 'Tap this number in Okta Verify:',
    noNumber: 'Approve the request in Okta Verify.',
    waiting: 'Waiting for your approval…',
    checkAgain: 'Check again',
    rejected: 'The request was declined on the phone.',
    expired: 'The request timed out before it was approved.',
  },
  password: {
    title: 'Choose a new password',
    heading: 'Choose a new password',
    newLabel: 'New password',
    confirmLabel: 'Confirm the new password',
    revoke: 'Sign out of all other sessions',
    revokeHint: 'Recommended: ends sessions on other devices, in case someone else is signed in.',
    submit: 'Change password',
    policyHeading: 'The password does not meet these requirements:',
    empty: 'Enter the new password twice.',
  },
  done: {
    title: 'Password changed',
    heading: 'Your password has been changed',
    lead: 'You can now sign in with your new password.',
  },
  expired: {
    title: 'Start again',
    heading: 'This recovery cannot continue',
  },
  notFound: {
    title: 'Page not found',
    heading: 'Page not found',
    lead: 'The page you asked for does not exist.',
  },
  csrf: {
    title: 'Reload the page',
    heading: 'The form has expired',
  },
  internal: {
    title: 'Something went wrong',
    heading: 'Something went wrong',
  },
  errors: {
    BAD_REQUEST: 'The request is not valid.',
    INVALID_CODE: 'That code is not valid. Check it and try again.',
    INVALID_OTT: 'This password-change form is no longer valid. Try again.',
    PASSWORD_MISMATCH: 'The two passwords do not match.',
    PASSWORD_POLICY: 'The password does not meet the password policy.',
    METHOD_NOT_AVAILABLE: 'That verification method is not available.',
    WRONG_STEP: 'This step is not available now. Start again.',
    FLOW_EXPIRED: 'This recovery has expired. Start again.',
    TOO_MANY_ATTEMPTS: 'Too many failed attempts. Start again later.',
    RATE_LIMITED: 'Too many requests. Try again later.',
    RESEND_TOO_SOON: 'A code was sent recently. Wait before asking for another.',
    FACTOR_LOCKED: 'This verification method is locked after too many failures. Try another method.',
    CSRF: 'The form has expired or did not come from this site. Reload the page and try again.',
    NOT_FOUND: 'Not found.',
    IDP_UNAVAILABLE: 'The identity service is not answering. Try again in a moment.',
    INTERNAL: 'Something went wrong on our side. Try again later.',
  } satisfies Record<ErrorCode, string>,
} as const;

export type Messages = typeof en;
