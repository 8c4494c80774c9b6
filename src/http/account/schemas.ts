/**
 * JSON Schemas for the sign-in and account request bodies (forms and JSON API).
 * Rules as in ../schemas.ts: additionalProperties false, bounded strings free of control characters, enums for
 * methods, forms admit `_csrf`; emptiness of form fields is checked by the handlers so pages re-render with a field
 * error. Factor ids are Okta ids (letters and digits); phone numbers are checked for E.164 by the handlers / core.
 */
import { RECOVERY_METHODS } from '../../core/ports.js';
import { LIMITS } from '../schemas.js';

const NO_CONTROL = '^[^\\u0000-\\u001F\\u007F]*$';
const str = (maxLength: number) => ({ type: 'string', maxLength, pattern: NO_CONTROL }) as const;

const csrf = str(LIMITS.csrf);
const method = { type: 'string', enum: [...RECOVERY_METHODS] } as const;
const factorId = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9]+$' } as const;
const phone = str(32);
const code = str(LIMITS.code);
const password = { type: 'string', maxLength: LIMITS.password } as const;

function object(properties: Record<string, unknown>, required: string[]) {
  return { type: 'object', additionalProperties: false, properties, required } as const;
}

export const accountSchemas = {
  form: {
    empty: object({ _csrf: csrf }, []),
    enrol: object({ _csrf: csrf, method, phoneNumber: phone, country: { type: 'string', pattern: '^[A-Z]{2}$' } }, ['method']),
    resume: object({ _csrf: csrf, method }, ['method']),
    factor: object({ _csrf: csrf, factorId }, ['factorId']),
    /** The removal confirmation: `confirm` names the step, `understood` is the last-method acknowledgement. */
    remove: object({ _csrf: csrf, factorId, confirm: { type: 'string', enum: ['yes'] }, understood: { type: 'string', enum: ['yes'] } }, ['factorId']),
    /** `totpSetup`: the sealed QR code / key of an authenticator-app set-up (../account/totp-setup.ts). */
    code: object({ _csrf: csrf, code, totpSetup: str(4096) }, []),
    password: object({ _csrf: csrf, currentPassword: password, newPassword: password, confirmPassword: password }, []),
  },
  api: {
    empty: object({}, []),
    enrol: object({ method, phoneNumber: { ...phone, minLength: 1 }, country: { type: 'string', pattern: '^[A-Z]{2}$' } }, ['method']),
    factor: object({ factorId }, ['factorId']),
    remove: object({ factorId, confirmLastRecoveryMethod: { type: 'boolean' } }, ['factorId']),
    code: object({ code: { ...code, minLength: 1 } }, ['code']),
    password: object(
      {
        currentPassword: { ...password, minLength: 1 },
        newPassword: { ...password, minLength: 1 },
        confirmPassword: { ...password, minLength: 1 },
      },
      ['currentPassword', 'newPassword', 'confirmPassword'],
    ),
  },
} as const;
