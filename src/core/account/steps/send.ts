/** The code a user typed, cleaned up before any IdP call (the SMS / voice send guard is ../../send-guard.ts). */
import { PortalError } from '../../errors.js';

const CODE_RE = /^\d{6,8}$/;

/** A 6–8 digit code with spaces removed, or INVALID_CODE (not counted, no IdP call). */
export function cleanCode(raw: unknown): string {
  const code = typeof raw === 'string' ? raw.replace(/\s+/g, '') : '';
  if (!CODE_RE.test(code)) throw new PortalError('INVALID_CODE', { detail: 'malformed code' });
  return code;
}
