/**
 * The parser for `application/x-www-form-urlencoded` bodies (every page form).
 * Why not @fastify/formbody as it stands: it decodes the body with `Buffer#toString()` (invalid UTF-8 silently
 * becomes U+FFFD) and fast-querystring keeps a value whose percent-escapes are not UTF-8 as its raw `%ED%A0%80`
 * text. Either way a malformed value went on as if the user had typed something else, and the input guard
 * (input.ts) could not see that it was never well-formed Unicode (issue 11, item 1).
 * Rules:
 * - The bytes must be UTF-8 and every percent-escape must decode to UTF-8 (a lone surrogate's WTF-8 bytes, an
 *   over-long form or a stray `%` do not); otherwise 400 BAD_REQUEST, naming nothing of the value.
 * - Parsing itself is fast-querystring's (the same result shape as before: a null-prototype object, repeated
 *   names become arrays).
 */
import type { FastifyInstance } from 'fastify';
import { parse } from 'fast-querystring';
import { PortalError } from '../core/errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

const malformed = (detail: string): PortalError =>
  new PortalError('BAD_REQUEST', { message: 'The form could not be read. Please go back and try again.', detail });

/** The parsed form, or a BAD_REQUEST PortalError when the body is not well-formed. */
export function parseForm(body: Buffer): Record<string, unknown> | PortalError {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return malformed('form body is not UTF-8');
  }
  try {
    // Only to validate: throws URIError on a malformed escape or escapes that are not UTF-8.
    decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return malformed('form body has a malformed percent-escape');
  }
  return parse(text) as Record<string, unknown>;
}

export function registerFormBody(app: FastifyInstance, bodyLimit: number): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => {
    const parsed = parseForm(body as Buffer);
    if (parsed instanceof PortalError) done(parsed, undefined);
    else done(null, parsed);
  });
}
