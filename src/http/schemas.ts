/**
 * JSON Schemas for every request body (JSON API and HTML forms).
 * Rules: additionalProperties false, every string bounded (maxLength) and free of control characters, enums for
 * methods; a form's schema also admits its `_csrf` field. Fastify's Ajv runs without type coercion, without
 * removing extra properties and without defaults (see app.ts), so what is not described here is refused.
 */
import { RECOVERY_METHODS } from '../core/ports.js';

const NO_CONTROL = '^[^\\u0000-\\u001F\\u007F]*$';

export const LIMITS = { username: 256, code: 16, ott: 128, password: 256, csrf: 256 } as const;

const str = (maxLength: number, extra: Record<string, unknown> = {}) =>
  ({ type: 'string', maxLength, pattern: NO_CONTROL, ...extra }) as const;

const usernameField = str(LIMITS.username);
const methodField = { type: 'string', enum: [...RECOVERY_METHODS] } as const;
const codeField = str(LIMITS.code);
const ottField = { type: 'string', maxLength: LIMITS.ott, pattern: '^[A-Za-z0-9_-]*$' } as const;
const passwordField = { type: 'string', maxLength: LIMITS.password } as const;
const csrfField = str(LIMITS.csrf);

function object(properties: Record<string, unknown>, required: string[]) {
  return { type: 'object', additionalProperties: false, properties, required } as const;
}

export const apiSchemas = {
  start: object({ username: { ...usernameField, minLength: 1 } }, ['username']),
  challenge: object({ method: methodField }, ['method']),
  verify: object({ code: { ...codeField, minLength: 1 } }, ['code']),
  password: object(
    {
      ott: { ...ottField, minLength: 1 },
      password: { ...passwordField, minLength: 1 },
      confirmPassword: { ...passwordField, minLength: 1 },
      revokeSessions: { type: 'boolean' },
    },
    ['ott', 'password', 'confirmPassword'],
  ),
  empty: object({}, []),
  unlock: object({ ott: { ...ottField, minLength: 1 } }, ['ott']),
} as const;

/** Form bodies: emptiness is checked by the handlers so the page can re-render with a field error. */
export const formSchemas = {
  start: object({ _csrf: csrfField, username: usernameField }, []),
  method: object({ _csrf: csrfField, method: methodField }, []),
  code: object({ _csrf: csrfField, code: codeField }, []),
  resend: object({ _csrf: csrfField, method: { type: 'string', enum: ['sms', 'call', 'email', 'push'] } }, ['method']),
  password: object(
    {
      _csrf: csrfField,
      ott: ottField,
      password: passwordField,
      confirmPassword: passwordField,
      revokeSessions: { type: 'string', enum: ['on'] },
    },
    ['ott'],
  ),
  cancel: object({ _csrf: csrfField }, []),
  unlock: object({ _csrf: csrfField, ott: ottField }, ['ott']),
} as const;
