/**
 * Static assets: the embedded CSS and JS files, each served under a content-hashed name
 * (`/assets/<name>.<hash>.<ext>`) so they can be cached for a year without ever serving a stale copy.
 * `brandAsset` builds the same kind of entry at start for what depends on configuration (theme, logo).
 */
import { createHash } from 'node:crypto';
import { CODE_JS } from './code.js';
import { COUNTDOWN_JS } from './countdown.js';
import { FOCUS_JS } from './focus.js';
import { PASSWORD_JS } from './password.js';
import { PUSH_JS } from './push.js';
import { STYLES_CSS } from './styles.js';

export interface Asset<N extends string = AssetName, B extends string | Buffer = string> {
  /** Logical name used by the templates. */
  name: N;
  /** Hashed file name served under /assets/. */
  file: string;
  contentType: string;
  body: B;
}

export type AssetName = 'app.css' | 'countdown.js' | 'push.js' | 'focus.js' | 'password.js' | 'code.js';

export function hashedAsset<N extends string, B extends string | Buffer>(name: N, contentType: string, body: B): Asset<N, B> {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const dot = name.lastIndexOf('.');
  return { name, file: `${name.slice(0, dot)}.${hash}${name.slice(dot)}`, contentType, body };
}

const JS = 'text/javascript; charset=utf-8';

export const ASSETS: Readonly<Record<AssetName, Asset>> = {
  'app.css': hashedAsset('app.css', 'text/css; charset=utf-8', STYLES_CSS),
  'countdown.js': hashedAsset('countdown.js', JS, COUNTDOWN_JS),
  'push.js': hashedAsset('push.js', JS, PUSH_JS),
  'focus.js': hashedAsset('focus.js', JS, FOCUS_JS),
  'password.js': hashedAsset('password.js', JS, PASSWORD_JS),
  'code.js': hashedAsset('code.js', JS, CODE_JS),
};

/** Hashed file name → asset, for the /assets/:file route. */
export const ASSETS_BY_FILE: ReadonlyMap<string, Asset> = new Map(Object.values(ASSETS).map((a) => [a.file, a]));
