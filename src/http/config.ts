/**
 * HttpConfig: the part of the configuration the transport needs (the lead maps the full config to it), and the
 * values derived from it once at start.
 * Rules: the public URL is the only source of origins, links and the cookie policy (never the Host header);
 * `Secure` cookies, the `__Host-` prefix and HSTS follow from an https public URL; a support URL is shown only when
 * it is http(s).
 */
import type { RecoveryMethod } from '../core/ports.js';
import type { PageOptions } from './pages/options.js';

export interface HttpConfig {
  /** The portal's public base URL, e.g. https://recover.example.com or https://example.com/recover-portal. */
  publicUrl: string;
  orgName: string;
  supportUrl?: string | null | undefined;
  /** Signs the CSRF secret cookie (@fastify/cookie). At least 32 characters. */
  cookieSecret: string;
  /** IPs / CIDRs of the reverse proxies whose X-Forwarded-For is trusted; empty = use the socket address. */
  trustProxy: readonly string[];
  /** The operator's enabled methods, in display order. */
  methods: readonly RecoveryMethod[];
  /** Whether "Sign out of all other sessions" starts checked. */
  revokeSessionsDefault: boolean;
  /** The flow's lifetime: the flow cookie never outlives it. */
  flowTtlSeconds: number;
  /** Branding, password rules, language and live-status options of the HTML pages (src/http/pages/options.ts). */
  pages?: PageOptions | undefined;
  /** Sign-in with Okta is wired (buildApp sets it from its `account` dependency): the landing page links to it. */
  signIn?: boolean | undefined;
  /** The portal runs against the built-in emulator's demo org: every page says so in a banner. */
  demo?: boolean | undefined;
}

export interface ResolvedHttpConfig extends HttpConfig {
  /** scheme://host[:port] of publicUrl: the only Origin accepted on state-changing requests. */
  origin: string;
  /** Path of publicUrl without a trailing slash ('' at the root): every route and link lives under it. */
  basePath: string;
  /** publicUrl is https: Secure cookies, __Host- names, HSTS. */
  secure: boolean;
  flowCookie: string;
  csrfCookie: string;
  supportHref: string | undefined;
}

export function resolveHttpConfig(c: HttpConfig): ResolvedHttpConfig {
  let url: URL;
  try {
    url = new URL(c.publicUrl);
  } catch {
    throw new Error('HttpConfig.publicUrl is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('HttpConfig.publicUrl must be http(s)');
  if (url.search || url.hash || url.username || url.password) {
    throw new Error('HttpConfig.publicUrl must not carry a query, fragment or credentials');
  }
  if (c.cookieSecret.length < 32) throw new Error('HttpConfig.cookieSecret must have at least 32 characters');
  if (!(c.flowTtlSeconds > 0)) throw new Error('HttpConfig.flowTtlSeconds must be positive');
  const secure = url.protocol === 'https:';
  let supportHref: string | undefined;
  if (c.supportUrl) {
    try {
      const s = new URL(c.supportUrl);
      if (s.protocol === 'https:' || s.protocol === 'http:' || s.protocol === 'mailto:') supportHref = s.href;
    } catch {
      supportHref = undefined;
    }
  }
  return {
    ...c,
    origin: url.origin,
    basePath: url.pathname.replace(/\/+$/, ''),
    secure,
    flowCookie: secure ? '__Host-flow' : 'flow',
    csrfCookie: secure ? '__Host-csrf' : 'csrf',
    supportHref,
  };
}
