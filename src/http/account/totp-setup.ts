/**
 * Keeping an authenticator-app set-up on screen through wrong codes, without storing its secret.
 * The page that shows the QR code and key carries them in a hidden field (`totpSetup`) of its activation form:
 * the otpauth:// URI, base64url, with an HMAC-SHA256 under the cookie secret bound to the session and the method.
 * A wrong code re-renders the QR code and key from it; a token from another session, another method, or altered is
 * ignored (the page then shows the code field with "start again", as on a reload).
 * Rules: the secret never reaches the store, a URL or a log line (`totpSetup` is redacted like `code`); it travels
 * only in the answer that shows it and back in the POST of the same form (TOTP-7: nothing kept after enrolment);
 * a reload (GET) never shows it again.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const SEP = '.';

function mac(key: string, sid: string, method: string, uri: string): Buffer {
  return createHmac('sha256', key).update(`totp-setup\u0000${sid}\u0000${method}\u0000${uri}`).digest();
}

export function sealTotpSetup(key: string, sid: string, method: string, otpauthUri: string): string {
  return `${Buffer.from(otpauthUri, 'utf8').toString('base64url')}${SEP}${mac(key, sid, method, otpauthUri).toString('base64url')}`;
}

/** The otpauth:// URI and its secret when `token` is one this session sealed for `method`, else null. */
export function openTotpSetup(key: string, sid: string, method: string, token: unknown): { otpauthUri: string; secret: string } | null {
  if (typeof token !== 'string' || token.length > 4096) return null;
  const [body, tag, extra] = token.split(SEP);
  if (!body || !tag || extra !== undefined) return null;
  const uri = Buffer.from(body, 'base64url').toString('utf8');
  const want = mac(key, sid, method, uri);
  const got = Buffer.from(tag, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
  if (!uri.startsWith('otpauth://')) return null;
  let secret: string | null = null;
  try {
    secret = new URL(uri).searchParams.get('secret');
  } catch {
    return null;
  }
  return secret && /^[A-Z2-7]+=*$/i.test(secret) ? { otpauthUri: uri, secret } : null;
}
