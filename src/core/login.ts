/**
 * Login input rules for the start step (VAL-*).
 * Rules: a string; NFC-normalised and trimmed; 1..256 characters; well-formed Unicode (no lone surrogate: it cannot
 * be URL-encoded for Okta); no control characters; no whitespace, `/`, `\`,
 * `?` or `#` inside; not `me` (Okta's alias for the API token's own user). Anything else is BAD_REQUEST: that
 * reveals nothing about accounts, because it depends only on the input's shape.
 * The key form (for limits) is lower-cased, as Okta logins are case-insensitive.
 */
import { PortalError } from './errors.js';

export interface NormalisedLogin {
  login: string;
  key: string;
}

// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\p{Cs}\u0000-\u001f\u007f-\u009f\s/\\?#\u2028\u2029\ufeff]/u;

export function normaliseLogin(input: unknown): NormalisedLogin {
  if (typeof input !== 'string') throw new PortalError('BAD_REQUEST', { message: 'Enter your username.' });
  const login = input.normalize('NFC').trim();
  if (login.length === 0 || login.length > 256 || FORBIDDEN.test(login) || login.toLowerCase() === 'me') {
    throw new PortalError('BAD_REQUEST', { message: 'Enter a valid username.', detail: 'login format refused' });
  }
  return { login, key: login.toLowerCase() };
}
