/**
 * The one schema for every portal setting, keyed by environment variable name.
 * Rules: each field takes the raw string (or undefined when unset) and yields a typed value with its
 * default applied; messages say what is expected and never repeat a secret. Settings that depend on
 * each other (Okta auth mode, PUBLIC_URL vs HOST, OTT vs flow lifetime) are checked in load.ts.
 * docs/configuration.md documents every key of this schema (test/config enforces it).
 */
import { z } from 'zod';
import { parseRequirementLines } from './branding.js';
import { parseGroupRules, type GroupRuleSetting } from './group-rules.js';
import { DEFAULT_RECOVERY_METHODS, RECOVERY_METHODS, type RecoveryMethod } from '../core/ports.js';
import {
  isHostName,
  parseBaseUrl,
  parseOrgUrl,
  parseProxyEntry,
  parseProxyUrl,
  parseRateWindow,
  parseRedisNodes,
  parseRedisUrl,
  splitList,
  type RedisNode,
  type Parsed,
  type RateWindow,
} from './values.js';

/** A setting parsed by a Parsed-returning function, with a default when unset. */
function custom<T>(parse: (raw: string) => Parsed<T>, fallback: T) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T => {
      if (raw === undefined) return fallback;
      const r = parse(raw);
      if (r.ok) return r.value;
      ctx.addIssue({ code: 'custom', message: r.message });
      return z.NEVER;
    });
}

function int(min: number, max: number, fallback: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z
    .string()
    .regex(/^\s*\d{1,9}\s*$/, message)
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message))
    .optional()
    .transform((v) => v ?? fallback);
}

function bool(fallback: boolean) {
  return z
    .stringbool({ truthy: ['true', '1'], falsy: ['false', '0'], error: 'must be true, false, 1 or 0' })
    .optional()
    .transform((v) => v ?? fallback);
}

/** An optional value matched by a pattern; `what` names the expectation without echoing the value. */
function token(pattern: RegExp, what: string) {
  return z.string().regex(pattern, what).optional();
}

function rate(fallback: string) {
  const parsed = parseRateWindow(fallback);
  if (!parsed.ok) throw new Error(`bad built-in default ${fallback}`);
  return custom<RateWindow>(parseRateWindow, parsed.value);
}

function methodList(raw: string): Parsed<RecoveryMethod[]> {
  const items = splitList(raw.toLowerCase());
  if (items.length === 0) return { ok: false, message: `must list at least one of ${RECOVERY_METHODS.join(', ')}` };
  const out: RecoveryMethod[] = [];
  for (const item of items) {
    if (!(RECOVERY_METHODS as readonly string[]).includes(item)) {
      return { ok: false, message: `unknown method "${item.slice(0, 40)}"; use ${RECOVERY_METHODS.join(', ')}` };
    }
    if (out.includes(item as RecoveryMethod)) return { ok: false, message: `lists "${item}" twice` };
    out.push(item as RecoveryMethod);
  }
  return { ok: true, value: out };
}

function proxyList(raw: string): Parsed<string[]> {
  const out: string[] = [];
  for (const item of splitList(raw)) {
    const r = parseProxyEntry(item);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return { ok: true, value: out };
}

function scopeList(raw: string): Parsed<string[]> {
  const scopes = raw.split(/[\s,]+/).filter((s) => s !== '');
  if (scopes.length === 0) return { ok: false, message: 'must list at least one scope' };
  const bad = scopes.find((s) => !/^[A-Za-z0-9._:-]{1,100}$/.test(s));
  if (bad !== undefined) return { ok: false, message: 'must be scope names separated by spaces, e.g. "okta.users.read okta.users.manage"' };
  return { ok: true, value: [...new Set(scopes)] };
}

function supportUrl(raw: string): Parsed<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: 'must be an absolute https:// URL' };
  }
  if (url.protocol !== 'https:') return { ok: false, message: 'must be an absolute https:// URL' };
  if (url.username !== '' || url.password !== '') return { ok: false, message: 'must not contain a user name or password' };
  return { ok: true, value: url.href };
}

/** The callback path under PUBLIC_URL: a plain absolute path outside the portal's own route families. */
function redirectPath(raw: string): Parsed<string> {
  const p = raw.trim();
  if (!/^\/[A-Za-z0-9._~/-]{1,200}$/.test(p) || p.includes('//') || /(^|\/)\.\.?(\/|$)/.test(p)) {
    return { ok: false, message: 'must be a path such as /auth/callback (letters, digits, . _ ~ - and /)' };
  }
  if (/^\/(api|assets|recover|account)(\/|$)/.test(p) || p === '/') {
    return { ok: false, message: 'must not be / or under /api, /assets, /recover or /account' };
  }
  return { ok: true, value: p.replace(/\/+$/, '') };
}

function oidcScopes(raw: string): Parsed<string[]> {
  const r = scopeList(raw);
  if (!r.ok) return { ok: false, message: 'must be scope names separated by spaces, e.g. "openid profile email"' };
  if (!r.value.includes('openid')) return { ok: false, message: 'must include openid' };
  return r;
}

/** Whether `code` names a region the runtime's ICU knows (Intl.DisplayNames answers undefined otherwise). */
function isRegion(code: string): boolean {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' }).of(code) !== undefined;
  } catch {
    return false;
  }
}

/** The languages the page catalogue has (src/views/i18n); the first one is the default. */
export const LANGUAGES = ['en', 'fr', 'de', 'es', 'ja', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Where the portal keeps its state (src/store): memory is for tests only. */
export const STORE_KINDS = ['memory', 'sqlite', 'redis'] as const;
export type StoreKindSetting = (typeof STORE_KINDS)[number];

/** PASSWORD_RULES_FROM_OKTA: read Okta's password policy (on), never (off), or when OKTA_SCOPES grants it (auto). */
export const PASSWORD_RULES_SOURCES = ['auto', 'on', 'off'] as const;

/** BREACHED_PASSWORD_CHECK: off, the HIBP range API (or a mirror), or a local sorted hash file. */
export const BREACH_MODES = ['off', 'hibp', 'file'] as const;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const settingsSchema = z.object({
  PORT: int(0, 65535, 3000),
  HOST: z
    .string()
    .refine(isHostName, 'must be an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0')
    .optional()
    .transform((v) => v ?? '127.0.0.1'),
  PUBLIC_URL: custom<string | undefined>((raw) => parseBaseUrl(raw, { allowPath: true }), undefined),

  OKTA_ORG_URL: custom<string | undefined>(parseOrgUrl, undefined),
  OKTA_API_TOKEN: token(/^[\x21-\x7e]{8,512}$/, 'must be an Okta API token (8 to 512 visible characters, no spaces)'),
  OKTA_CLIENT_ID: token(/^[A-Za-z0-9._-]{1,128}$/, 'must be the service app client id (letters, digits, . _ -)'),
  OKTA_KEY_ID: token(/^[A-Za-z0-9._-]{1,256}$/, 'must be the key id (kid) shown next to the public key in Okta'),
  OKTA_PRIVATE_KEY_FILE: z.string().max(4096, 'is too long').optional(),
  OKTA_SCOPES: custom<string[]>(scopeList, ['okta.users.read', 'okta.users.manage']),
  OKTA_TIMEOUT_MS: int(100, 60000, 5000),
  HTTPS_PROXY: custom<string | undefined>(parseProxyUrl, undefined),
  OKTA_MAX_CONCURRENCY: int(1, 1000, 10),
  OKTA_MAX_QUEUE: int(0, 10000, 100),
  OKTA_BREAKER_FAILURES: int(1, 1000, 5),
  OKTA_BREAKER_COOLDOWN_SECONDS: int(1, 3600, 30),
  OKTA_RATE_LIMIT_RESERVE_PERCENT: int(0, 90, 10),

  RECOVERY_METHODS: custom<RecoveryMethod[]>(methodList, [...DEFAULT_RECOVERY_METHODS]),
  SHOW_ENROLLED_METHODS: bool(false),
  ALLOW_LOCKED_OUT_RECOVERY: bool(false),
  FLOW_TTL_SECONDS: int(60, 14400, 900),
  OTT_TTL_SECONDS: int(30, 3600, 600),
  RESEND_COOLDOWN_SECONDS: int(0, 600, 30),
  PUSH_POLL_INTERVAL_SECONDS: int(1, 30, 3),
  MAX_WRONG_CODES_PER_FLOW: int(1, 20, 5),
  OKTA_FACTOR_LOCKOUT_THRESHOLD: int(2, 100, 5),
  OKTA_FACTOR_LOCKOUT_WINDOW_SECONDS: int(60, 2_592_000, 86_400),
  LIMIT_PER_LOGIN: rate('10/15m'),
  LIMIT_PER_IP: rate('600/15m'),
  LIMIT_PER_DESTINATION: rate('5/1h'),
  LIMIT_GLOBAL_SENDS: rate('200/1h'),
  LIMIT_PUSH_PER_USER: rate('5/15m'),
  REVOKE_SESSIONS_DEFAULT: bool(true),

  STORE: z
    .enum(STORE_KINDS, { error: `must be one of ${STORE_KINDS.join(', ')}` })
    .optional(),
  DATA_DIR: z
    .string()
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\x00-\x1f\x7f]{1,4096}$/, 'must be a directory path with no control characters')
    .optional()
    .transform((v) => v ?? './data'),
  REDIS_URL: custom<string | undefined>(parseRedisUrl, undefined),
  // Redis beyond one node (issue 12, item 7): Sentinel or Cluster instead of REDIS_URL; load.ts checks the combinations.
  REDIS_SENTINELS: custom<RedisNode[] | undefined>((raw) => parseRedisNodes(raw, 26379), undefined),
  REDIS_SENTINEL_MASTER: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,128}$/, 'must be the master name the sentinels monitor (letters, digits, . _ -), e.g. mymaster')
    .optional()
    .transform((v) => v ?? 'mymaster'),
  REDIS_SENTINEL_PASSWORD: token(/^[\x21-\x7e]{1,512}$/, 'must be 1 to 512 visible characters with no spaces'),
  REDIS_CLUSTER_NODES: custom<RedisNode[] | undefined>((raw) => parseRedisNodes(raw, 6379), undefined),
  REDIS_USERNAME: token(/^[\x21-\x7e]{1,128}$/, 'must be 1 to 128 visible characters with no spaces'),
  REDIS_PASSWORD: token(/^[\x21-\x7e]{1,512}$/, 'must be 1 to 512 visible characters with no spaces'),
  REDIS_TLS: bool(false),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\x21-\x7e]{1,100}$/, 'must be 1 to 100 visible characters with no spaces, e.g. okta-mfa-portal:')
    .optional()
    .transform((v) => v ?? 'okta-mfa-portal:'),
  AUDIT_RETENTION_DAYS: int(1, 3650, 90),

  METRICS_PORT: int(1, 65535, 0),
  METRICS_TOKEN: z
    .string()
    .transform((v) => v.trim())
    .pipe(z.string().regex(/^[\x21-\x7e]{16,1024}$/, 'must be 16 to 1024 visible characters with no spaces (e.g. openssl rand -hex 32)'))
    .optional(),
  METRICS_TOKEN_FILE: z.string().max(4096, 'is too long').optional(),
  METRICS_PUBLIC: bool(false),
  METRICS_HOST: z
    .string()
    .refine(isHostName, 'must be an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0')
    .optional(),
  SHUTDOWN_TIMEOUT_SECONDS: int(1, 600, 10),

  TRUST_PROXY: custom<string[]>(proxyList, []),
  COOKIE_SECRET: token(/^[\x21-\x7e]{32,1024}$/, 'must be at least 32 visible characters with no spaces (e.g. openssl rand -base64 32)'),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })
    .optional()
    .transform((v) => v ?? 'info'),
  ORG_NAME: z
    .string()
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\x00-\x1f\x7f]{1,80}$/, 'must be 1 to 80 characters with no control characters')
    .optional()
    .transform((v) => v ?? 'Okta MFA Portal'),
  SUPPORT_URL: custom<string | undefined>(supportUrl, undefined),
  SIGN_IN_URL: custom<string | undefined>(supportUrl, undefined),
  LOGO_FILE: z.string().max(4096, 'is too long').optional(),
  ACCENT_COLOR: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour written #rrggbb, e.g. #0b57d0')
    .optional()
    .transform((v) => v?.toLowerCase()),
  PASSWORD_REQUIREMENTS: custom<string[] | undefined>(parseRequirementLines, undefined),
  PASSWORD_MIN_STRENGTH: int(0, 4, 2),
  PASSWORD_RULES_FROM_OKTA: z
    .enum(PASSWORD_RULES_SOURCES, { error: `must be one of ${PASSWORD_RULES_SOURCES.join(', ')}` })
    .optional()
    .transform((v) => v ?? 'auto'),
  DEFAULT_LANGUAGE: z
    .enum(LANGUAGES, { error: `must be one of ${LANGUAGES.join(', ')}` })
    .optional()
    .transform((v) => v ?? 'en'),
  PHONE_DEFAULT_COUNTRY: z
    .string()
    .transform((v) => v.trim().toUpperCase())
    .refine((v) => /^[A-Z]{2}$/.test(v) && isRegion(v), 'must be a two-letter ISO 3166-1 country code, e.g. US, FR or DE')
    .optional(),

  // Sign-in with Okta (OIDC) and the portal session (src/auth). Unset issuer and client id: no sign-in, except in
  // emulator mode, where main.ts wires the emulator's authorization server.
  OIDC_ISSUER: custom<string | undefined>((raw) => parseBaseUrl(raw, { allowPath: true }), undefined),
  OIDC_CLIENT_ID: token(/^[A-Za-z0-9._~-]{1,128}$/, 'must be the OIDC app client id (letters, digits, . _ ~ -)'),
  OIDC_CLIENT_SECRET: token(/^[\x21-\x7e]{8,512}$/, 'must be the OIDC app client secret (8 to 512 visible characters, no spaces)'),
  OIDC_REDIRECT_PATH: custom<string>(redirectPath, '/auth/callback'),
  OIDC_SCOPES: custom<string[]>(oidcScopes, ['openid', 'profile', 'email']),
  SESSION_TTL_SECONDS: int(300, 604800, 28800),
  SESSION_IDLE_SECONDS: int(60, 86400, 1800),
  // Issue 16: the help-desk console and the insights page, each admitted by a group in the ID token's `groups` claim.
  HELPDESK_GROUP: groupName(),
  INSIGHTS_GROUP: groupName(),

  // Issue 14: every recovery situation (breached passwords, unlock, email, notifications, group rules).
  BREACHED_PASSWORD_CHECK: z
    .enum(BREACH_MODES, { error: `must be one of ${BREACH_MODES.join(', ')}` })
    .optional()
    .transform((v) => v ?? 'off'),
  BREACHED_PASSWORD_API_URL: custom<string>((raw) => parseBaseUrl(raw, { allowPath: true }), 'https://api.pwnedpasswords.com'),
  BREACHED_PASSWORD_FILE: z.string().max(4096, 'is too long').optional(),
  BREACHED_PASSWORD_TIMEOUT_MS: int(100, 30000, 2000),
  BREACHED_PASSWORD_FAIL_OPEN: bool(true),
  SELF_SERVICE_UNLOCK: bool(false),
  GROUP_RULES: custom<GroupRuleSetting[]>(parseGroupRules, []),
  // Notifications and "This wasn't me" (issue 14, item 4).
  SMTP_URL: custom<string | undefined>(parseSmtpUrl, undefined),
  SMTP_TIMEOUT_MS: int(1000, 60000, 10000),
  MAIL_FROM: custom<string | undefined>(parseMailbox, undefined),
  SECURITY_ALERT_EMAIL: custom<string | undefined>(parseMailbox, undefined),
  REPORT_LINK_TTL_HOURS: int(1, 720, 72),
  REPORT_SUSPENDS_USER: bool(false),
  REPORT_LINK_SECRET: token(/^[\x21-\x7e]{32,1024}$/, 'must be at least 32 visible characters with no spaces (e.g. openssl rand -base64 32)'),
});

/** SMTP_URL: smtp:// (STARTTLS when offered) or smtps:// (TLS), host and optional port, user and password. */
function parseSmtpUrl(raw: string): Parsed<string> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, message: 'must be a URL such as smtps://user:password@mail.example.com:465 or smtp://mail.example.com:587' };
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return { ok: false, message: 'must start with smtp:// or smtps://' };
  if (url.hostname === '') return { ok: false, message: 'must name the mail server' };
  if ((url.pathname !== '' && url.pathname !== '/') || url.hash !== '') return { ok: false, message: 'must have no path or fragment (options go in the query string)' };
  return { ok: true, value: url.href };
}

/** An address, optionally with a display name: `alice@example.com` or `Portal <no-reply@example.com>`. */
function parseMailbox(raw: string): Parsed<string> {
  const v = raw.trim();
  const m = /^(?:([^<>\r\n"]{1,100}?)\s*<([^<>\s@]+@[^<>\s@]+\.[^<>\s@]+)>|([^<>\s@]+@[^<>\s@]+\.[^<>\s@]+))$/.exec(v);
  if (!m || v.length > 320) return { ok: false, message: 'must be an email address, e.g. no-reply@example.com or "Portal <no-reply@example.com>"' };
  return { ok: true, value: v };
}

export type Settings = z.output<typeof settingsSchema>;

/** An Okta group name (1 to 255 characters, no control characters), trimmed; unset: the feature is off. */
function groupName() {
  return z
    .string()
    .transform((v) => v.trim())
    // eslint-disable-next-line no-control-regex
    .pipe(z.string().regex(/^[^\x00-\x1f\x7f]{1,255}$/, 'must be an Okta group name (1 to 255 characters, no control characters)'))
    .optional();
}
export type SettingName = keyof Settings;

/** Every setting the schema defines. */
export const SETTING_NAMES = Object.keys(settingsSchema.shape) as SettingName[];

/** The variable naming an optional JSON/YAML file with the same keys (environment variables win). */
export const CONFIG_FILE_VAR = 'PORTAL_CONFIG';
