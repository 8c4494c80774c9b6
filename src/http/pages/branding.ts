/**
 * The configuration-dependent assets (theme stylesheet, logo), built once per app from HttpConfig.pages and served
 * under content-hashed names next to the embedded assets, with the same year-long immutable cache.
 * Rules: the logo was validated at start (type sniffed from its bytes, size capped); it is served with a sandboxing
 * CSP of its own so an SVG opened directly can run nothing; the theme is generated CSS (no inline styles).
 */
import type { FastifyInstance } from 'fastify';
import { hashedAsset, type Asset } from '../../views/assets/index.js';
import { themeCss } from '../../views/assets/theme.js';
import type { ResolvedHttpConfig } from '../config.js';
import { PATHS } from '../paths.js';

export interface Branding {
  theme: Asset<string> | null;
  logo: Asset<string, Buffer> | null;
}

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/svg+xml': 'svg' };

const cache = new WeakMap<ResolvedHttpConfig, Branding>();

export function brandingOf(cfg: ResolvedHttpConfig): Branding {
  let b = cache.get(cfg);
  if (!b) {
    const o = cfg.pages ?? {};
    const ext = o.logo ? EXTENSIONS[o.logo.contentType] : undefined;
    b = {
      theme: o.accentColor ? hashedAsset('theme.css', 'text/css; charset=utf-8', themeCss(o.accentColor)) : null,
      logo: o.logo && ext ? hashedAsset(`logo.${ext}`, o.logo.contentType, Buffer.from(o.logo.base64, 'base64')) : null,
    };
    cache.set(cfg, b);
  }
  return b;
}

export const LOGO_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

export async function brandingRoutes(app: FastifyInstance, cfg: ResolvedHttpConfig): Promise<void> {
  const { theme, logo } = brandingOf(cfg);
  for (const asset of [theme, logo]) {
    if (!asset) continue;
    app.get(`${PATHS.assets}/${asset.file}`, async (_request, reply) => {
      if (asset === logo) reply.header('content-security-policy', LOGO_CSP);
      return reply.header('cache-control', 'public, max-age=31536000, immutable').type(asset.contentType).send(asset.body);
    });
  }
}
