/** JSON Schemas of the help-desk console's forms and API bodies (rules as in ../account/schemas.ts). */
import { LIMITS } from '../schemas.js';

const NO_CONTROL = '^[^\\u0000-\\u001F\\u007F]*$';
const str = (maxLength: number) => ({ type: 'string', maxLength, pattern: NO_CONTROL }) as const;
const csrf = str(LIMITS.csrf);
const factorId = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9]+$' } as const;
const login = str(256);
const ticket = str(64);
const code = str(LIMITS.code);

function object(properties: Record<string, unknown>, required: string[]) {
  return { type: 'object', additionalProperties: false, properties, required } as const;
}

export const helpdeskSchemas = {
  form: {
    lookup: object({ _csrf: csrf, login, ticket }, []),
    factor: object({ _csrf: csrf, factorId }, ['factorId']),
    code: object({ _csrf: csrf, code }, []),
  },
  api: {
    lookup: object({ login: { ...login, minLength: 1 }, ticket }, ['login']),
    factor: object({ factorId }, ['factorId']),
    code: object({ code: { ...code, minLength: 1 } }, ['code']),
  },
} as const;
