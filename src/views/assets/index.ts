/**
 * Static assets: the embedded CSS and JS files, each served under a content-hashed name
 * (`/assets/<name>.<hash>.<ext>`) so they can be cached for a year without ever serving a stale copy.
 */
import { createHash } from 'node:crypto';
import { COUNTDOWN_JS } from './countdown.js';
import { PUSH_JS } from './push.js';
import { STYLES_CSS } from './styles.js';

export interface Asset {
  /** Logical name used by the templates. */
  name: AssetName;
  /** Hashed file name served under /assets/. */
  file: string;
  contentType: string;
  body: string;
}

export type AssetName = 'app.css' | 'countdown.js' | 'push.js';

function asset(name: AssetName, contentType: string, body: string): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const dot = name.lastIndexOf('.');
  return { name, file: `${name.slice(0, dot)}.${hash}${name.slice(dot)}`, contentType, body };
}

export const ASSETS: Readonly<Record<AssetName, Asset>> = {
  'app.css': asset('app.css', 'text/css; charset=utf-8', STYLES_CSS),
  'countdown.js': asset('countdown.js', 'text/javascript; charset=utf-8', COUNTDOWN_JS),
  'push.js': asset('push.js', 'text/javascript; charset=utf-8', PUSH_JS),
};

/** Hashed file name → asset, for the /assets/:file route. */
export const ASSETS_BY_FILE: ReadonlyMap<string, Asset> = new Map(Object.values(ASSETS).map((a) => [a.file, a]));
