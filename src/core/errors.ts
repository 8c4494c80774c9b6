/**
 * PortalError: the one error type the core and adapters throw on purpose.
 * `code` is stable and documented (docs/errors.md); `message` is safe to show to the user;
 * `detail` is for logs only and must never contain a secret.
 */
import type { PasswordReason } from './password-rules.js';

export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, message: 'The request is not valid.' },
  INVALID_CODE: { status: 400, message: 'That code is not valid. Check it and try again, or choose another method.' },
  INVALID_OTT: { status: 400, message: 'This password-change link is not valid or has already been used.' },
  PASSWORD_MISMATCH: { status: 400, message: 'The two passwords do not match.' },
  PASSWORD_POLICY: { status: 400, message: 'The password does not meet the password policy.' },
  PASSWORD_BREACHED: {
    status: 400,
    message: 'This password has appeared in a data breach, so attackers may try it. Choose a different password.',
  },
  METHOD_NOT_AVAILABLE: { status: 400, message: 'That verification method is not available.' },
  WRONG_CURRENT_PASSWORD: { status: 400, message: 'The current password is not correct.' },
  INVALID_PHONE_NUMBER: { status: 400, message: 'Enter the phone number in international format, e.g. +14155550100.' },
  SIGN_IN_REQUIRED: { status: 401, message: 'Sign in to continue.' },
  FORBIDDEN: { status: 403, message: 'You do not have access to this page.' },
  STEP_UP_REQUIRED: { status: 403, message: 'Confirm it is you with one of your security methods first.' },
  FACTOR_EXISTS: { status: 409, message: 'You already have this security method. Remove it first to set it up again.' },
  LAST_RECOVERY_METHOD: {
    status: 409,
    message: 'This is your last method that can reset your password. Confirm that you want to remove it anyway.',
  },
  WRONG_STEP: { status: 409, message: 'This step is not available now. Start again.' },
  FLOW_EXPIRED: { status: 410, message: 'This recovery has expired. Start again.' },
  REPORT_LINK_INVALID: { status: 410, message: 'This link is not valid, has expired or was already used.' },
  TOO_MANY_ATTEMPTS: { status: 429, message: 'Too many failed attempts. Start again later.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests. Try again later.' },
  RESEND_TOO_SOON: { status: 429, message: 'A code was sent recently. Wait before asking for another.' },
  FACTOR_LOCKED: { status: 429, message: 'This verification method is locked after too many failures.' },
  CSRF: { status: 403, message: 'The form has expired or did not come from this site. Reload the page and try again.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  IDP_UNAVAILABLE: { status: 503, message: 'The identity service is not answering. Try again in a moment.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service is temporarily unavailable. Try again in a moment.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface PortalErrorOptions {
  message?: string;
  detail?: string;
  retryAfterSeconds?: number;
  /** Okta password-policy causes, safe to show (errorCauses[].errorSummary). */
  causes?: string[];
  /** PASSWORD_POLICY: what was wrong, as catalogue keys (the rule broken, history, minimum age ...). */
  reasons?: PasswordReason[];
  cause?: unknown;
}

export class PortalError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly detail: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly causes: string[] | undefined;
  readonly reasons: PasswordReason[] | undefined;

  constructor(code: ErrorCode, opts: PortalErrorOptions = {}) {
    super(opts.message ?? ERROR_CODES[code].message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PortalError';
    this.code = code;
    this.httpStatus = ERROR_CODES[code].status;
    this.detail = opts.detail;
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.causes = opts.causes;
    this.reasons = opts.reasons;
  }
}

export function isPortalError(e: unknown): e is PortalError {
  return e instanceof PortalError;
}
