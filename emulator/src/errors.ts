// Okta-shaped errors. Rules: every Okta API failure is thrown as an OktaError and rendered as
// {errorCode, errorSummary, errorLink, errorId, errorCauses:[{errorSummary}]} with errorLink = errorCode, as Okta does.
// Summaries never contain passwords, codes or tokens. The control API uses plain {error} bodies (ControlError).
import { errorId } from './ids.js';

export class OktaError extends Error {
  readonly headers: Record<string, string> = {};
  constructor(
    readonly statusCode: number,
    readonly errorCode: string,
    readonly errorSummary: string,
    readonly errorCauses: string[] = [],
  ) {
    super(`${errorCode} ${errorSummary}`);
  }

  body(): Record<string, unknown> {
    return {
      errorCode: this.errorCode,
      errorSummary: this.errorSummary,
      errorLink: this.errorCode,
      errorId: errorId(),
      errorCauses: this.errorCauses.map((errorSummary) => ({ errorSummary })),
    };
  }
}

/** A control-API error: answered as {error: message} with the given status. */
export class ControlError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const errors = {
  validation: (what: string, causes: string[] = []) => new OktaError(400, 'E0000001', `Api validation failed: ${what}`, causes),
  malformedBody: () => new OktaError(400, 'E0000003', 'The request body was not well-formed.'),
  authFailed: () => new OktaError(401, 'E0000004', 'Authentication failed'),
  notFound: (what: string) => new OktaError(404, 'E0000007', `Not found: Resource not found: ${what}`),
  internal: () => new OktaError(500, 'E0000009', 'Internal Server Error'),
  invalidToken: () => new OktaError(401, 'E0000011', 'Invalid token provided'),
  /** A DPoP problem on the management API. Okta answers 400 with a DPoP challenge; its body is undocumented. */
  dpopProofInvalid: (description: string) => new OktaError(400, 'E0000011', 'Invalid token provided', [description]),
  forbidden: () => new OktaError(403, 'E0000006', 'You do not have permission to perform the requested action'),
  alreadyActive: () => new OktaError(403, 'E0000016', 'Activation failed because the user is already active'),
  unlockNotAllowed: () => new OktaError(403, 'E0000032', 'Unlock is not allowed for this user.'),
  forgotPasswordNotAllowed: () => new OktaError(403, 'E0000034', 'Forgot password not allowed on specified user.'),
  changeRecoveryQuestionNotAllowed: () => new OktaError(403, 'E0000036', 'Change recovery question not allowed on specified user.'),
  recoveryAnswerMismatch: () => new OktaError(400, 'E0000087', 'The recovery question answer did not match our records.'),
  notAllowedInStatus: () => new OktaError(403, 'E0000038', "This operation is not allowed in the user's current status."),
  credentialsUpdateFailed: (causes: string[]) => new OktaError(403, 'E0000014', 'Update of credentials failed', causes),
  badMediaType: () =>
    new OktaError(415, 'E0000019', 'Bad request. Accept and/or Content-Type headers likely do not match supported values.'),
  methodNotAllowed: () => new OktaError(405, 'E0000022', 'The endpoint does not support the provided HTTP method'),
  invalidSearch: () => new OktaError(400, 'E0000031', 'Invalid search criteria.'),
  rateLimited: () => new OktaError(429, 'E0000047', 'API call exceeded rate limit due to too many requests.'),
  invalidPasscode: () =>
    new OktaError(403, 'E0000068', 'Invalid Passcode/Answer', ["Your passcode doesn't match our records. Please try again."]),
  factorLocked: () => new OktaError(403, 'E0000069', 'User Locked', ['User is locked out due to too many failed verification attempts.']),
  passwordComplexity: (causes: string[]) =>
    new OktaError(403, 'E0000080', 'The password does not meet the complexity requirements of the current password policy.', causes),
  totpReplay: () => new OktaError(403, 'E0000082', 'Each code can only be used once. Please wait for a new code and try again.'),
  invalidPhone: () => new OktaError(400, 'E0000098', 'This phone number is invalid.', ['phoneNumber: This phone number is invalid.']),
  smsCooldown: () =>
    new OktaError(429, 'E0000109', 'An SMS message was recently sent. Please wait 30 seconds before trying again.'),
  emailCooldown: () => new OktaError(429, 'E0000118', 'An email was recently sent. Please wait 5 seconds before trying again.'),
  callCooldown: () =>
    new OktaError(429, 'E0000133', 'A phone call was recently made. Please wait 30 seconds before trying again.'),
  transactionNotFound: () => new OktaError(404, 'E0000191', 'Verification timed out. Please try again.'),
  lengthRequired: () => new OktaError(411, 'E0000003', 'Length Required: a POST or PUT must send Content-Length (0 for no body).'),
  payloadTooLarge: (limit: number) =>
    new OktaError(413, 'E0000001', `Api validation failed: request body larger than ${limit} bytes`),
};
