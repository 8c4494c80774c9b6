/**
 * Value parsers for configuration settings: URLs, hosts, proxy lists, rate windows.
 * Rules: every parser is pure, returns a typed value or a human message (never throws), and never
 * echoes a value it was not given to check. Hand-written because these are tiny format checks that
 * zod's built-ins do not express (loopback-only http, N/<duration> windows, CIDR lists).
 */
import { isIP } from 'node:net';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(message: string): Parsed<T> => ({ ok: false, message });

/** True for hosts that only this machine can reach: localhost, 127.0.0.0/8, ::1. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

/** A DNS host name (RFC 1123 labels) or an IP literal. */
export function isHostName(host: string): boolean {
  if (isIP(host) !== 0) return true;
  if (host.length > 253) return false;
  return host.split('.').every((l) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}

export interface HttpUrlRules {
  /** Allow a path (kept without its trailing slash). Org URLs must be bare origins. */
  allowPath: boolean;
}

/**
 * An absolute https:// URL (http:// only for loopback hosts), with no credentials, query or fragment.
 * Returns the normalised form without a trailing slash.
 */
export function parseBaseUrl(raw: string, rules: HttpUrlRules): Parsed<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('must be an absolute URL such as https://example.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return fail('must be an https:// URL (http:// is allowed only for loopback hosts)');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return fail('must be an https:// URL (http:// is allowed only for loopback hosts)');
  }
  if (url.username !== '' || url.password !== '') return fail('must not contain a user name or password');
  if (url.search !== '' || url.hash !== '' || raw.includes('?') || raw.includes('#')) {
    return fail('must not contain a query (?) or fragment (#)');
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (!rules.allowPath && path !== '') return fail('must be the bare origin, with no path (e.g. https://example.okta.com)');
  return ok(`${url.origin}${path}`);
}

/** Okta org URL: base URL rules plus the mistakes Okta's own validators catch (admin console, placeholders). */
export function parseOrgUrl(raw: string): Parsed<string> {
  if (raw.includes('{') || raw.toLowerCase().includes('youroktadomain')) {
    return fail('still contains a placeholder; use your org URL, e.g. https://dev-123456.okta.com');
  }
  const base = parseBaseUrl(raw, { allowPath: false });
  if (!base.ok) return base;
  if (/-admin\./i.test(new URL(base.value).hostname)) {
    return fail('is the admin console URL; remove "-admin" (e.g. https://dev-123456.okta.com)');
  }
  return base;
}

/** An outbound proxy: http(s)://host:port with optional credentials; messages never repeat the value. */
export function parseProxyUrl(raw: string): Parsed<string> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return fail('must be a proxy URL such as http://proxy.example.com:3128');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('must start with http:// or https://');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    return fail('must be only a scheme, host and port (with credentials if the proxy needs them), no path');
  }
  return ok(url.href);
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

export interface RateWindow {
  max: number;
  windowSeconds: number;
}

/** 'N/<duration>' with a whole number of s, m or h, e.g. '10/15m', '5/1h', '30/h' (= 30/1h). */
export function parseRateWindow(raw: string): Parsed<RateWindow> {
  const m = /^(\d{1,7})\s*\/\s*(\d{0,6})\s*([smh])$/.exec(raw.trim());
  if (!m) return fail('must look like N/<duration>, e.g. 10/15m (units: s, m, h)');
  const max = Number(m[1]);
  const count = m[2] === '' ? 1 : Number(m[2]);
  const windowSeconds = count * UNIT_SECONDS[m[3] as keyof typeof UNIT_SECONDS];
  if (max < 1 || max > 1_000_000) return fail('the count N must be between 1 and 1000000');
  if (windowSeconds < 1 || windowSeconds > 7 * 24 * 3600) return fail('the duration must be between 1s and 168h');
  return ok({ max, windowSeconds });
}

const PROXY_KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Trusted proxies: IPs, CIDRs, or the keywords loopback / linklocal / uniquelocal (as understood by
 * proxy-addr, which Fastify's trustProxy uses).
 */
export function parseProxyEntry(raw: string): Parsed<string> {
  const entry = raw.trim();
  if (PROXY_KEYWORDS.has(entry.toLowerCase())) return ok(entry.toLowerCase());
  const [addr, prefix, extra] = entry.split('/');
  if (extra !== undefined || addr === undefined) return fail(`"${entry}" is not an IP address or CIDR`);
  const family = isIP(addr);
  if (family === 0) return fail(`"${entry}" is not an IP address or CIDR`);
  if (prefix !== undefined) {
    const bits = family === 4 ? 32 : 128;
    if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) {
      return fail(`"${entry}" has an invalid prefix length (0-${bits})`);
    }
  }
  return ok(entry);
}

/** Splits a comma list, trimming blanks; empty items are dropped. */
export function splitList(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * A Redis URL: redis:// or rediss:// (TLS), a host, an optional port and database number (`/0` .. `/9999`), and
 * optional credentials (`redis://:password@host` or `redis://user:password@host`). No query or fragment.
 * Messages never repeat the URL: it may carry a password.
 */
export function parseRedisUrl(raw: string): Parsed<string> {
  const expected = 'must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379/0';
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return fail(expected);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return fail(expected);
  if (url.hostname === '') return fail(`${expected} (the host is missing)`);
  if (url.search !== '' || url.hash !== '' || raw.includes('?') || raw.includes('#')) {
    return fail('must not contain a query (?) or fragment (#)');
  }
  if (url.pathname !== '' && url.pathname !== '/' && !/^\/\d{1,4}$/.test(url.pathname)) {
    return fail('must end with an optional database number, e.g. /0');
  }
  return ok(raw.trim()); // as given: re-serialising could change how the password is encoded
}

export interface RedisNode {
  host: string;
  port: number;
}

/**
 * A comma-separated list of Redis nodes (REDIS_SENTINELS, REDIS_CLUSTER_NODES): `host[:port]` each, IPv6 in
 * brackets (`[::1]:26379`); the port defaults to `defaultPort`. At least one, at most 64, no duplicates.
 */
export function parseRedisNodes(raw: string, defaultPort: number): Parsed<RedisNode[]> {
  const expected = `must be a comma-separated list of host:port, e.g. 10.0.0.1:${defaultPort},10.0.0.2:${defaultPort}`;
  const items = splitList(raw);
  if (items.length === 0 || items.length > 64) return fail(expected);
  const out: RedisNode[] = [];
  for (const item of items) {
    const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(item);
    const host = m?.[1] ?? m?.[2];
    const port = m?.[3] === undefined ? defaultPort : Number(m[3]);
    if (!m || host === undefined || !isHostName(host) || (m[1] !== undefined && isIP(host) !== 6) || port < 1 || port > 65535) {
      return fail(expected);
    }
    if (out.some((n) => n.host === host && n.port === port)) return fail('must not name the same node twice');
    out.push({ host, port });
  }
  return ok(out);
}
