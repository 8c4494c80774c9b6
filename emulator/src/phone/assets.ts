// Static assets of the phone page, served from memory under /_emulator/assets/<name>.
//
// Rules: a fixed name → content table (no file system access, so no path traversal); each asset carries
// its content type, `nosniff`, and a strong ETag so a reload costs a 304.
import { createHash } from 'node:crypto';
import { PHONE_JS } from './client.js';
import { PHONE_CSS } from './styles.js';

export interface Asset {
  readonly body: string;
  readonly contentType: string;
  readonly etag: string;
}

const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect x="7" y="2" width="18" height="28" rx="4" fill="#101820"/><rect x="9" y="5" width="14" height="20" rx="1" fill="#1458c9"/><circle cx="16" cy="27.5" r="1.2" fill="#f2f5f8"/></svg>`;

function asset(body: string, contentType: string): Asset {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { body, contentType, etag };
}

export const ASSETS: ReadonlyMap<string, Asset> = new Map([
  ['phone.css', asset(PHONE_CSS, 'text/css; charset=utf-8')],
  ['phone.js', asset(PHONE_JS, 'text/javascript; charset=utf-8')],
  ['icon.svg', asset(ICON_SVG, 'image/svg+xml')],
]);
