/**
 * One rule for every string a client sends (issue 11, item 1: client input never changes shared state).
 * Rules:
 * - Every string in the parsed body (keys and values, at any depth), the query string and the route parameters
 *   must be well-formed Unicode (no lone UTF-16 surrogate: JSON's "\ud800"; a form body whose bytes or escapes are
 *   not UTF-8 is refused earlier, by its parser in form-body.ts) and free of control characters (C0, DEL, C1). Anything else is 400 BAD_REQUEST before any handler runs,
 *   so it can never reach the core, the store or Okta (where a lone surrogate made the URL encoding throw and was
 *   counted as an Okta failure).
 * - The check runs as a preValidation hook on every route, pages and JSON API alike, so a new field is covered
 *   without anyone remembering to add a pattern; the JSON schemas (schemas.ts) still bound lengths and shapes.
 * - Normal forms are the fields' own business: the login is NFC-normalised by the core (src/core/login.ts);
 *   codes are compared by Okta as typed; a password is sent exactly as typed (normalising it would change the
 *   secret the user types at Okta's own sign-in page).
 * - Cookies are not checked here: a cookie that is not shaped like ours is ignored where it is read (a flow
 *   handle not shaped like a handle is "no flow"), and none ever reaches Okta.
 * The message names the field's place, never its value.
 */
import type { FastifyInstance } from 'fastify';
import { PortalError } from '../core/errors.js';

// A lone surrogate (\p{Cs} with the u flag matches only unpaired halves) or a C0 / DEL / C1 control character.
// eslint-disable-next-line no-control-regex
const UNUSABLE = /[\p{Cs}\u0000-\u001f\u007f-\u009f]/u;
const MAX_DEPTH = 16;

/** The place of the first unusable string in `value` (null when all are usable), e.g. `body.username`. */
export function unusableStringAt(value: unknown, where: string, depth = 0): string | null {
  if (typeof value === 'string') return UNUSABLE.test(value) ? where : null;
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_DEPTH) return where;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = unusableStringAt(value[i], `${where}[${i}]`, depth + 1);
      if (bad !== null) return bad;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (UNUSABLE.test(k)) return `${where} (a field name)`;
    const bad = unusableStringAt(v, `${where}.${k.slice(0, 40)}`, depth + 1);
    if (bad !== null) return bad;
  }
  return null;
}

/** Refuses any request carrying a string that cannot become an Okta request (see the header). */
export function installInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const bad =
      unusableStringAt(request.body, 'body') ?? unusableStringAt(request.query, 'query') ?? unusableStringAt(request.params, 'params');
    if (bad !== null) {
      throw new PortalError('BAD_REQUEST', {
        message: 'The request contains characters that are not allowed.',
        detail: `unusable characters in ${bad}`,
      });
    }
  });
}
