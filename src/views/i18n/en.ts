/**
 * English message catalogue: every user-visible string of the HTML pages (and of the embedded scripts, which get
 * their texts from data-* attributes the pages fill from here).
 * Rules: plain text only (the templates escape it); parametrised messages are small functions; error texts are
 * keyed by the stable error code so a page never shows an internal detail. Every other language implements the
 * `Messages` type derived from this object, so the compiler refuses a catalogue with a missing string.
 */
import type { ErrorCode } from '../../core/errors.js';
import type { RecoveryMethod } from '../../core/ports.js';
import { formatDuration } from './duration.js';

export const en = {
  lang: 'en',
  /** The language's own name, shown in the language switch. */
  languageName: 'English',
  skipToContent: 'Skip to content',
  demoBanner: {
    label: 'Demo org.',
    text: 'This portal runs against the built-in emulator: the users, phones and codes are not real.',
  },
  header: {
    languages: 'Language',
  },
  common: {
    startAgain: 'Start again',
    tryAnotherMethod: 'Try another method',
    tryAgain: 'Try again',
    continue: 'Continue',
    reload: 'Reload the page',
    home: 'Back to the start page',
    support: 'Need help? Contact support',
    reference: (id: string) => `Reference: ${id}`,
    /** A human duration ("14 minutes"), counted down live on the pages (/assets/focus.js). */
    retryAfter: (seconds: number) => `Try again in ${formatDuration('en', seconds)}.`,
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
      email: 'Email',
      push: 'Okta Verify push',
      'google-authenticator': 'Google Authenticator',
      'okta-verify-code': 'Okta Verify code',
    } satisfies Record<RecoveryMethod, string>,
    descriptions: {
      sms: 'We send a code to your phone by text message.',
      call: 'We call your phone and read a code.',
      email: 'We send a code to your email address.',
      push: 'Approve a notification in the Okta Verify app.',
      'google-authenticator': 'Enter the code shown in Google Authenticator.',
      'okta-verify-code': 'Enter the code shown in the Okta Verify app.',
    } satisfies Record<RecoveryMethod, string>,
    /** With masked enrolled methods: "Text message (SMS) to +1 ••• ••• 0100". */
    hint: (description: string, masked: string) => `${description} (${masked})`,
  },
  code: {
    title: 'Enter your code',
    heading: 'Enter your verification code',
    lead: {
      sms: 'If the account has a phone for text messages, we sent a code to it.',
      call: 'If the account has a phone for voice calls, we are calling it with a code.',
      email: 'If the account has an email address for codes, we sent a code to it.',
      push: '',
      'google-authenticator': 'Open Google Authenticator and enter the current code.',
      'okta-verify-code': 'Open Okta Verify and enter the current code.',
    } satisfies Record<RecoveryMethod, string>,
    label: 'Verification code',
    hint: '6 to 8 digits. You can paste it; spaces and dashes are ignored.',
    submit: 'Verify',
    empty: 'Enter the code.',
    resend: 'Send a new code',
    resendInOne: 'You can ask for a new code in 1 second.',
    /** `{n}` is replaced by the number of seconds (here and in /assets/countdown.js). */
    resendInMany: 'You can ask for a new code in {n} seconds.',
    resendReady: 'You can ask for a new code now.',
    resent: 'A new code is on its way. The previous code no longer works.',
  },
  push: {
    title: 'Approve the push',
    heading: 'Check your phone',
    number: 'Tap this number in Okta Verify:',
    noNumber: 'Approve the request in Okta Verify.',
    waiting: 'Waiting for your approval…',
    live: 'This page moves on by itself as soon as you answer on your phone.',
    approved: 'Approved. Opening the next step…',
    checkAgain: 'Check again',
    rejected: 'The request was declined on the phone.',
    expired: 'The request timed out before it was approved.',
    nextStep: 'You can try another verification method or start again.',
  },
  password: {
    title: 'Choose a new password',
    heading: 'Choose a new password',
    requirementsHeading: 'Your new password needs:',
    /** Shown when the operator has not configured PASSWORD_REQUIREMENTS. */
    defaultRequirements: [
      'At least 8 characters',
      'A lowercase letter, an uppercase letter and a number',
      'No part of your username',
      'Not one of your recent passwords',
    ],
    newLabel: 'New password',
    confirmLabel: 'Confirm the new password',
    show: 'Show passwords',
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
  signIn: {
    /** The landing page's way in for users who know their password. */
    landingLead: 'Know your password? Sign in to manage your security methods or change your password.',
    link: 'Sign in',
    signOut: 'Sign out',
    failedTitle: 'Sign-in failed',
    failedHeading: 'We could not sign you in',
    reasons: {
      denied: 'The sign-in was cancelled or refused.',
      invalid: 'The sign-in answer was not valid, was already used, or did not come from this browser. Try again.',
      expired: 'The sign-in took too long. Try again.',
      unavailable: 'The sign-in service is not answering. Try again in a moment.',
    },
    again: 'Sign in again',
  },
  account: {
    title: 'My security methods',
    heading: 'My security methods',
    signedInAs: (who: string) => `Signed in as ${who}`,
    methodsHeading: 'Your methods',
    caption: 'Your security methods',
    columns: { method: 'Method', details: 'Details', status: 'Status', action: 'Action' },
    none: 'You have no security methods yet. Add one below so that you can verify it is you, and reset your password yourself.',
    kinds: {
      sms: 'Text message (SMS)',
      call: 'Voice call',
      push: 'Okta Verify push',
      'google-authenticator': 'Google Authenticator',
      'okta-verify-code': 'Okta Verify code',
      email: 'Email',
      other: 'Other method',
    },
    status: { active: 'Active', pending: 'Waiting for activation', other: 'Not active' },
    remove: 'Remove',
    /** Visually hidden completion of the Remove button: "Remove Voice call". */
    removeWhat: (what: string) => `Remove ${what}`,
    addHeading: 'Add a method',
    addLead: 'You can set up each kind of method once.',
    addDescriptions: {
      sms: 'Get codes by text message on your phone.',
      call: 'Get codes read out by a voice call.',
      email: 'Get codes by email.',
      push: 'Approve sign-ins with a notification in the Okta Verify app.',
      'google-authenticator': 'Use codes from the Google Authenticator app.',
      'okta-verify-code': 'Use codes from the Okta Verify app.',
    },
    add: 'Set up',
    addWhat: (what: string) => `Set up ${what}`,
    allSet: 'You have set up every kind of method available here.',
    phoneLabel: 'Phone number',
    phoneHint: 'In international format: + then the country code and the number, e.g. +1 415 555 0100.',
    phoneEmpty: 'Enter a phone number.',
    phoneInvalid: 'Enter the phone number in international format: + then the country code and the number.',
    passwordHeading: 'Password',
    passwordLead: 'Change the password you sign in with.',
    passwordLink: 'Change password',
    notices: {
      added: 'The method is set up and ready to use.',
      removed: 'The method was removed.',
      password: 'Your password has been changed.',
      cancelled: 'The set-up was cancelled.',
    },
    back: 'Back to My security methods',
    errorTitle: 'There is a problem',
  },
  stepUp: {
    title: 'Confirm it is you',
    heading: 'Confirm it is you',
    leads: {
      enrol: 'Before you set up a new method, confirm it is you with one of your methods.',
      remove: 'Before you remove a method, confirm it is you with one of your methods.',
      password: 'Before you change your password, confirm it is you with one of your methods.',
      none: 'Confirm it is you with one of your methods.',
    },
    legend: 'Verify with',
    submit: 'Continue',
    cancel: 'Cancel',
    noFactor: 'None of your methods can be used to confirm it is you. Contact support.',
    codeLeads: {
      sms: 'We sent a code to your phone by text message.',
      call: 'We are calling your phone with a code.',
      email: 'We sent a code to your email address.',
      push: '',
      'google-authenticator': 'Open Google Authenticator and enter the current code.',
      'okta-verify-code': 'Open Okta Verify and enter the current code.',
    },
    otherMethod: 'Use another method',
    nextStep: 'You can try again or use another method.',
    continueTitle: 'Confirmed',
    continueHeading: 'Thank you, it is you',
    continueLeads: {
      enrol: (what: string) => `Continue to set up ${what}.`,
      remove: (what: string) => `Continue to remove ${what}.`,
    },
    continueSubmit: 'Continue',
  },
  enrol: {
    codeTitle: 'Activate your phone',
    codeHeading: 'Enter the code we sent',
    codeLeads: {
      sms: (hint: string) => `We sent a code by text message to ${hint}.`,
      call: (hint: string) => `We are calling ${hint} with a code.`,
    },
    activate: 'Activate',
    cancel: 'Cancel set-up',
    totpTitle: (app: string) => `Set up ${app}`,
    totpHeading: (app: string) => `Set up ${app}`,
    totpOpen: (app: string) => `Open ${app} on your phone and add an account.`,
    totpScan: 'Scan this QR code with the app:',
    qrAlt: 'QR code to scan with the app',
    totpManual: 'Cannot scan it? Enter this set-up key in the app instead (spaces do not matter):',
    keyLabel: 'Set-up key',
    totpCode: 'Then enter the 6-digit code the app shows.',
    totpShownOnce: 'For your security, the QR code and the set-up key are shown only once. If the app does not have the account yet, start again to get a new key.',
    totpEnterCode: 'Enter the 6-digit code the app shows for this account.',
    totpRestart: 'Start again with a new key',
    pushTitle: 'Set up Okta Verify',
    pushHeading: 'Set up Okta Verify',
    pushLead: 'Open Okta Verify on your phone, add an account, and scan this QR code.',
    pushNoQr: 'The QR code could not be loaded. Cancel and try again.',
    pushWaiting: 'Waiting for Okta Verify…',
    pushLive: 'This page moves on by itself once the app is set up.',
    pushActive: 'Okta Verify is set up.',
    pushExpired: 'The set-up expired before the app was added.',
    pushRetry: 'Start the set-up again',
    checkAgain: 'Check again',
  },
  accountPassword: {
    title: 'Change your password',
    heading: 'Change your password',
    currentLabel: 'Current password',
    submit: 'Change password',
    empty: 'Fill in all three password fields.',
  },
  /** Issue 13: guidance through recovery (grouped so merges stay easy). */
  guide: {
    chooseMethod: 'Choose a verification method.',
    lastUsed: 'Worked last time on this device',
    delayedHeading: 'No code yet?',
    delayed: {
      sms: 'Text messages can take a minute. If none arrives, this method may not be set up for this account.',
      call: 'The call can take a minute. If no call comes, this method may not be set up for this account.',
      email: 'An email can take a few minutes; check your spam folder. If none arrives, this method may not be set up for this account.',
      push: 'If no notification arrives, Okta Verify may not be set up for this account.',
      'google-authenticator': 'If Google Authenticator has no entry for this account, this method is not set up for it.',
      'okta-verify-code': 'If the Okta Verify app has no entry for this account, this method is not set up for it.',
    } satisfies Record<RecoveryMethod, string>,
    delayedAction: 'Choose another method',
    noScriptDelayed: 'No code after a minute? The method may not be set up for this account: choose another method.',
    /** Replaces "Try again in …" when the live countdown reaches zero. */
    retryNow: 'You can try again now.',
    /** RATE_LIMITED when the wait follows ("Try again in 14 minutes."). */
    tooMany: 'There have been too many attempts.',
    /** IDP_UNAVAILABLE / SERVICE_UNAVAILABLE when the wait follows. */
    idpDown: 'Okta is not answering right now.',
    serviceDown: 'The service is temporarily unavailable.',
    /** The done page. */
    signIn: 'Sign in',
    sessionsEnded: 'You were signed out of your other sessions, on every device.',
    sessionsKept: 'Your other sessions stay signed in.',
    wasntYou: 'Wasn’t you? Tell the help desk',
    /** Said (role="status") ~0.7 s after a submit, then after ~4 s (/assets/focus.js). */
    busy: 'Contacting Okta…',
    slow: 'Okta is slow right now, still trying…',
  },
  errors: {
    BAD_REQUEST: 'The request is not valid.',
    INVALID_CODE: 'That code is not valid. Check it and try again, or choose another method.',
    INVALID_OTT: 'This password-change form is no longer valid. Try again.',
    PASSWORD_MISMATCH: 'The two passwords do not match.',
    PASSWORD_POLICY: 'The password does not meet the password policy.',
    METHOD_NOT_AVAILABLE: 'That verification method is not available.',
    WRONG_CURRENT_PASSWORD: 'The current password is not correct.',
    INVALID_PHONE_NUMBER: 'Enter the phone number in international format, e.g. +14155550100.',
    SIGN_IN_REQUIRED: 'Your session has ended. Sign in to continue.',
    STEP_UP_REQUIRED: 'Confirm it is you with one of your security methods first.',
    FACTOR_EXISTS: 'You already have this security method. Remove it first to set it up again.',
    WRONG_STEP: 'This step is not available now. Start again.',
    FLOW_EXPIRED: 'This recovery has expired. Start again.',
    TOO_MANY_ATTEMPTS: 'Too many failed attempts. Start again later.',
    RATE_LIMITED: 'Too many requests. Try again later.',
    RESEND_TOO_SOON: 'A code was sent recently. Wait before asking for another.',
    FACTOR_LOCKED: 'This verification method is locked after too many failures. Try another method.',
    CSRF: 'The form has expired or did not come from this site. Reload the page and try again.',
    NOT_FOUND: 'Not found.',
    IDP_UNAVAILABLE: 'The identity service is not answering. Try again in a moment.',
    SERVICE_UNAVAILABLE: 'The service is temporarily unavailable. Try again in a moment.',
    INTERNAL: 'Something went wrong on our side. Try again later.',
    PASSWORD_BREACHED: 'This password has appeared in a data breach, so attackers may try it. Choose a different password.',
  } satisfies Record<ErrorCode, string>,
  // Issue 14 (recovery situations): kept together at the end for easy merging.
  unlock: {
    heading: 'Your account is locked',
    lead: 'You can unlock it and keep your current password, or choose a new password below.',
    submit: 'Unlock my account',
    doneTitle: 'Account unlocked',
    doneHeading: 'Your account has been unlocked',
    doneLead: 'You can sign in again with your current password.',
  },
} as const;

/** A catalogue's shape: the English one with every literal widened to string (arrays to string lists). */
type Widen<T> = T extends string
  ? string
  : T extends (...args: infer A) => infer R
    ? (...args: A) => R
    : T extends readonly (infer U)[]
      ? readonly Widen<U>[]
      : { readonly [K in keyof T]: Widen<T[K]> };

export type Messages = Widen<typeof en>;
