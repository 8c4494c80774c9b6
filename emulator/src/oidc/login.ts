// The sign-in decisions behind the emulator's login pages, kept free of HTTP. Rules: the password is checked against
// the user's CURRENT hash (so a reset or change is visible at once), even for unknown users (even timing); LOCKED_OUT
// is reported whatever the password, as /api/v1/authn does; a user's other statuses are revealed only after the right
// password; wrong passwords of ACTIVE or PASSWORD_EXPIRED users count toward passwordPolicy.lockoutAttempts; MFA
// offers the user's ACTIVE, unlocked TOTP (Google Authenticator, Okta Verify code), SMS, voice and email factors
// (push is not offered); messages never contain a password or a code.
import type { FactorRecord, UserRecord } from '../org/model.js';
import { hashPasswordSync, verifyPassword } from '../org/passwords.js';
import type { OrgState } from '../org/state.js';
import { OktaError } from '../errors.js';
import { CAN_SIGN_IN } from './provider.js';

const DUMMY_HASH = hashPasswordSync('emulator-oidc-timing-equaliser');

export type PasswordCheck =
  | { ok: true; user: UserRecord }
  | { ok: false; status: 401 | 403; message: string };

const BAD_CREDENTIALS = 'Unable to sign in: the username or the password is wrong.';

const STATUS_MESSAGE: Record<string, string> = {
  SUSPENDED: 'This account is suspended and cannot sign in. Ask an administrator to unsuspend it.',
  DEPROVISIONED: 'This account is deactivated and cannot sign in.',
  STAGED: 'This account has not been activated yet and cannot sign in.',
  PROVISIONED: 'This account has not been activated yet and cannot sign in.',
  RECOVERY: 'This account is being recovered: finish resetting the password before signing in.',
};

export async function checkPassword(state: OrgState, username: string, password: string): Promise<PasswordCheck> {
  // A login or an unambiguous short name, never a raw user id (as /api/v1/authn).
  const candidate = username ? state.findUser(username) : undefined;
  const user = candidate && candidate.id !== username ? candidate : undefined;
  const passwordOk = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user) return { ok: false, status: 401, message: BAD_CREDENTIALS };
  if (user.status === 'LOCKED_OUT') {
    return { ok: false, status: 403, message: 'This account is locked after too many failed sign-ins. Ask an administrator to unlock it, or reset the password.' };
  }
  if (!CAN_SIGN_IN.has(user.status)) {
    return passwordOk
      ? { ok: false, status: 403, message: STATUS_MESSAGE[user.status] ?? 'This account cannot sign in.' }
      : { ok: false, status: 401, message: BAD_CREDENTIALS };
  }
  if (!passwordOk) {
    user.failedLogins++;
    const limit = state.policy.lockoutAttempts;
    if (limit > 0 && user.failedLogins >= limit) {
      user.status = 'LOCKED_OUT';
      user.statusChanged = state.clock.now();
    }
    return { ok: false, status: 401, message: BAD_CREDENTIALS };
  }
  user.failedLogins = 0;
  return { ok: true, user };
}

export type MfaKind = 'totp' | 'sent';

/** Factors the MFA step can use, in a stable order: authenticator apps first, then SMS, voice, email. */
export function usableFactors(user: UserRecord): FactorRecord[] {
  const rank = { 'token:software:totp': 0, sms: 1, call: 2, email: 3, push: 9, question: 9 } as const;
  return user.factors
    .filter((f) => f.status === 'ACTIVE' && !f.locked && f.factorType !== 'push' && f.factorType !== 'question')
    .sort((a, b) => rank[a.factorType] - rank[b.factorType]);
}

export function mfaKind(f: FactorRecord): MfaKind {
  return f.factorType === 'token:software:totp' ? 'totp' : 'sent';
}

function lastDigits(phone: string | undefined): string {
  return (phone ?? '').replace(/\D/g, '').slice(-4);
}

function maskEmail(email: string | undefined): string {
  const [local = '', domain = ''] = (email ?? '').split('@');
  return `${local.slice(0, 1)}•••@${domain}`;
}

/** A human label that never shows a full phone number or email address. */
export function factorLabel(f: FactorRecord): string {
  switch (f.factorType) {
    case 'token:software:totp':
      return f.provider === 'GOOGLE' ? 'Google Authenticator code' : 'Okta Verify code';
    case 'sms':
      return `SMS to the phone ending in ${lastDigits(f.profile.phoneNumber)}`;
    case 'call':
      return `Voice call to the phone ending in ${lastDigits(f.profile.phoneNumber)}`;
    case 'email':
      return `Email to ${maskEmail(f.profile.email)}`;
    default:
      return f.factorType;
  }
}

/** RFC 8176 method reference for the factor, as Okta puts in `amr`. */
export function factorAmr(f: FactorRecord): string {
  return { 'token:software:totp': 'otp', sms: 'sms', call: 'tel', email: 'email', push: 'swk', question: 'kba' }[f.factorType];
}

/** A clear, code-free message for an OktaError raised by sending or verifying a code. */
export function factorErrorMessage(err: unknown): string | null {
  if (!(err instanceof OktaError)) return null;
  switch (err.errorCode) {
    case 'E0000068':
      return 'That code is wrong or has expired. Try again.';
    case 'E0000069':
      return 'This factor is locked after too many wrong codes. Choose another method or ask an administrator to unlock it.';
    case 'E0000082':
      return 'That code was already used. Wait for the next code and try again.';
    case 'E0000109':
      return 'An SMS was sent less than 30 seconds ago. Wait a moment before asking for another code.';
    case 'E0000133':
      return 'A call was made less than 30 seconds ago. Wait a moment before asking for another call.';
    case 'E0000118':
      return 'An email was sent a few seconds ago. Wait a moment before asking for another code.';
    case 'E0000001':
      return 'This factor cannot be verified right now.';
    default:
      return null;
  }
}
