/**
 * loadConfig: reads every setting from the environment (and optionally a JSON/YAML file named by
 * PORTAL_CONFIG, whose values the environment overrides), validates them all, and returns a deeply
 * frozen Config, or throws one ConfigError listing every problem, each prefixed with the setting's name.
 * Rules: blank values count as unset; secrets are never echoed; the Okta SDK's implicit sources
 * (okta.yaml, OKTA_CLIENT_*) are not consulted; the adapter is given everything explicitly.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join as joinPath, resolve as resolvePath } from 'node:path';
import type * as Yaml from 'yaml';
import type { RecoveryMethod } from '../core/ports.js';
import type { Window } from '../core/recovery/policy.js';
import type { GroupRule } from '../core/recovery/group-rules.js';
import { resolveGroupRules } from './group-rules.js';
import { signingKeyOf } from '../okta/oauth.js';
import { parseLogo, type Logo } from './branding.js';
import {
  CONFIG_FILE_VAR,
  SETTING_NAMES,
  settingsSchema,
  type BREACH_MODES,
  type Language,
  type SettingName,
  type Settings,
  type StoreKindSetting,
} from './schema.js';
import { isLoopbackHost, type RedisNode } from './values.js';

/** Secret fields (token, privateKeyPem, cookie.secret) are non-enumerable: pass these objects on as they are, never spread them. */
export type OktaAuth =
  | { kind: 'ssws'; token: string }
  | { kind: 'private-key'; clientId: string; keyId: string; privateKeyPem: string; scopes: string[] };

export interface Config {
  server: {
    host: string;
    port: number;
    /** Base URL every link is built from (no trailing slash); never derived from the Host header. */
    publicUrl: string;
    /** Proxies whose X-Forwarded-For is believed; empty means the socket address is the client IP. */
    trustProxy: readonly string[];
  };
  /** `emulator`: no OKTA_ORG_URL, so the dev launcher starts the built-in emulator's demo org. */
  okta: { mode: 'emulator' } | { mode: 'org'; orgUrl: string; auth: OktaAuth };
  oktaTimeoutMs: number;
  /** HTTPS_PROXY: the proxy Okta calls go through (its `url` is non-enumerable: it may carry credentials). */
  oktaProxy: { readonly url: string } | null;
  /** Protection around Okta calls (src/okta/resilience.ts). */
  oktaResilience: {
    maxConcurrency: number;
    maxQueue: number;
    breakerFailures: number;
    breakerCooldownSeconds: number;
    /** Percentage of an Okta rate-limit bucket kept back: below it, new flows are refused (0 = off). */
    rateLimitReservePercent: number;
  };
  /** Operations: metrics listener and shutdown (src/ops, main.ts). */
  ops: {
    /** A separate listener for /metrics (METRICS_HOST defaults to 127.0.0.1), or null: see metricsOnMainPort. */
    metrics: { host: string; port: number } | null;
    /**
     * /metrics on the main port when there is no METRICS_PORT: 'off' (404, the default), 'token' (only with
     * `Authorization: Bearer <METRICS_TOKEN>`) or 'public' (METRICS_PUBLIC=true: anyone, the operator's choice).
     */
    metricsOnMainPort: 'off' | 'token' | 'public';
    /** METRICS_TOKEN (or the content of METRICS_TOKEN_FILE), required wherever /metrics is served; null = none. */
    metricsToken: { value: string } | null;
    shutdownTimeoutSeconds: number;
  };
  /** Where state and audit events are kept (src/store, src/audit). */
  store: StoreConfig;
  recovery: {
    methods: readonly RecoveryMethod[];
    showEnrolledMethods: boolean;
    allowLockedOut: boolean;
    /** SELF_SERVICE_UNLOCK: a verified LOCKED_OUT user may unlock without a new password. */
    selfServiceUnlock: boolean;
    /** GROUP_RULES with methods resolved against RECOVERY_METHODS; empty = no rules (no groups call). */
    groupRules: readonly GroupRule[];
    flowTtlSeconds: number;
    ottTtlSeconds: number;
    resendCooldownSeconds: number;
    pushPollIntervalSeconds: number;
    maxWrongCodesPerFlow: number;
    /** The org's factor lockout: Okta locks a factor after `threshold` wrong codes; the portal stops one short. */
    factorLockout: { threshold: number; windowSeconds: number };
    revokeSessionsDefault: boolean;
    limits: {
      perLogin: Window;
      perIp: Window;
      perDestination: Window;
      globalSends: Window;
      pushPerUser: Window;
    };
  };
  cookie: {
    secret: string;
    /** True when COOKIE_SECRET was unset and a per-process secret was generated. */
    generated: boolean;
    /** Where the secret came from: the setting, DATA_DIR/cookie-secret (SQLite default), or this process only. */
    source: 'setting' | 'data-dir' | 'process';
  };
  logLevel: Settings['LOG_LEVEL'];
  branding: {
    orgName: string;
    supportUrl: string | null;
    /** SIGN_IN_URL: the done page's "Sign in" link; null = the Okta org's URL. */
    signInUrl: string | null;
    /** LOGO_FILE's image, validated (PNG, JPEG or SVG, at most 256 KiB), or null. */
    logo: Logo | null;
    /** ACCENT_COLOR as #rrggbb (lower case), or null for the built-in colours. */
    accentColor: string | null;
    /** PASSWORD_REQUIREMENTS lines, or null for the catalogue's default lines. */
    passwordRequirements: readonly string[] | null;
    /**
     * Whether the portal reads Okta's password policy (GET /api/v1/policies): PASSWORD_RULES_FROM_OKTA=on, or auto
     * with an OAuth service app whose OKTA_SCOPES include okta.policies.read.
     */
    passwordRulesFromOkta: boolean;
    /** PASSWORD_MIN_STRENGTH: the lowest zxcvbn score a new password may have (0 = no estimate). */
    passwordMinStrength: number;
    defaultLanguage: Language;
    /** PHONE_DEFAULT_COUNTRY: the country preselected for a new phone number, or null (from the browser's language). */
    phoneDefaultCountry: string | null;
  };
  /** Sign-in with Okta (src/auth): null when OIDC_ISSUER / OIDC_CLIENT_ID are unset (in emulator mode main.ts then wires the emulator's). */
  oidc: OidcConfig | null;
  /** The sign-in request's callback path and scopes (OIDC_REDIRECT_PATH, OIDC_SCOPES), also when `oidc` is null. */
  oidcRequest: { redirectPath: string; scopes: readonly string[] };
  /** The signed-in portal session: absolute lifetime and idle limit. */
  session: { ttlSeconds: number; idleSeconds: number };
  /** Issue 16: the group (ID token `groups` claim) that admits to the help-desk console / insights; null: page off. */
  helpdesk: { group: string | null };
  insights: { group: string | null };
  /**
   * Notifications (issue 14, item 4): the SMTP server (null: none configured; the demo org then uses the emulator's
   * mailbox), the sender, the security address, and the "This wasn't me" links.
   */
  mail: {
    /** SMTP_URL (non-enumerable `url`: it may carry a password), or null. */
    smtp: { readonly url: string } | null;
    timeoutMs: number;
    from: string | null;
    securityAlertTo: string | null;
    reportLinkTtlHours: number;
    reportSuspendsUser: boolean;
    /** REPORT_LINK_SECRET (non-enumerable), or null: the key is then derived from the cookie secret. */
    reportLinkSecret: { readonly value: string } | null;
  };
  /** The breached-password check before a password is written (src/breach). */
  breach: {
    mode: (typeof BREACH_MODES)[number];
    /** Base URL of the range API (HIBP or a mirror), without trailing slash. */
    apiUrl: string;
    /** Absolute path of the sorted SHA1:COUNT file when mode is file, else null. */
    file: string | null;
    timeoutMs: number;
    failOpen: boolean;
  };
  /** Start-up notices for the operator (no secrets); main.ts logs them. */
  warnings: readonly string[];
}

/** `clientSecret` is non-enumerable (null for a public client): pass the object on as it is, never spread it. */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  /** The callback path under PUBLIC_URL (default /auth/callback). */
  redirectPath: string;
  scopes: readonly string[];
}

/**
 * Where Redis is: one server (REDIS_URL), a master found through Sentinel (REDIS_SENTINELS), or a Redis Cluster
 * (REDIS_CLUSTER_NODES). `url`, `password` and `sentinelPassword` are non-enumerable (secrets): pass the object on
 * as it is, never spread it. `url` is '' unless mode is single; `display` names the servers without credentials.
 */
export interface RedisConfig {
  mode: 'single' | 'sentinel' | 'cluster';
  url: string;
  keyPrefix: string;
  display: string;
  /** The sentinels (mode sentinel) or the cluster's seed nodes (mode cluster); empty for single. */
  nodes: readonly RedisNode[];
  /** REDIS_SENTINEL_MASTER (mode sentinel), else null. */
  sentinelMaster: string | null;
  /** REDIS_USERNAME / REDIS_PASSWORD / REDIS_TLS for the data nodes (sentinel and cluster; single has them in the URL). */
  username: string | null;
  password: string | null;
  sentinelPassword: string | null;
  tls: boolean;
}

/** `redis` holds secrets as non-enumerable fields (see RedisConfig): pass it on as it is, never spread it. */
export interface StoreConfig {
  kind: StoreKindSetting;
  /** Absolute path of the SQLite store's directory (DATA_DIR resolved against the working directory). */
  dataDir: string;
  /** Set when kind is redis. */
  redis: RedisConfig | null;
  auditRetentionDays: number;
}

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = Object.freeze([...problems]);
  }
}

export interface LoadOptions {
  /** Reads a file as UTF-8 (the private key and the PORTAL_CONFIG file); injectable for tests. */
  readFile?: (path: string) => string;
  /** Reads a file's bytes (LOGO_FILE); injectable for tests. */
  readBinaryFile?: (path: string) => Uint8Array;
  /**
   * With the SQLite store and no COOKIE_SECRET, read (or on first start create, mode 0600) DATA_DIR/cookie-secret
   * so flows survive a restart. Off by default (tests and tools never write); the portal's entry point turns it on.
   */
  keepCookieSecret?: boolean;
}

type Env = Record<string, string | undefined>;
type Raw = Partial<Record<SettingName, string>>;

/** Settings whose file lists are joined with something other than a comma (their items may contain commas). */
const LIST_SEPARATOR: Partial<Record<SettingName, string>> = { PASSWORD_REQUIREMENTS: '|' };

/** Settings whose file value is structured (a list of mappings): handed to the schema as JSON text. */
const STRUCTURED: ReadonlySet<SettingName> = new Set<SettingName>(['GROUP_RULES']);

const PRIVATE_KEY_SETTINGS = ['OKTA_CLIENT_ID', 'OKTA_KEY_ID', 'OKTA_PRIVATE_KEY_FILE'] as const;

/**
 * Secrets that can also be given as a file (NAME_FILE=/run/secrets/...), as container secrets are mounted. The
 * private key is always a file (OKTA_PRIVATE_KEY_FILE).
 */
export const SECRET_FILE_SETTINGS = [
  'OKTA_API_TOKEN',
  'COOKIE_SECRET',
  'OIDC_CLIENT_SECRET',
  'REDIS_URL',
  'REDIS_PASSWORD',
  'REDIS_SENTINEL_PASSWORD',
  'SMTP_URL',
  'HTTPS_PROXY',
  'REPORT_LINK_SECRET',
] as const;

/** Settings that say "a real org is meant": with any of them, the demo org never starts. */
const NON_DEMO_PREFIXES = ['OKTA_', 'OIDC_', 'SMTP_'];
const DEMO_NEUTRAL = new Set<string>(['OKTA_TIMEOUT_MS', 'OIDC_REDIRECT_PATH', 'OIDC_SCOPES', 'SMTP_TIMEOUT_MS']);

/** The file DATA_DIR keeps the generated cookie secret in (SQLite store, no COOKIE_SECRET). */
export const COOKIE_SECRET_FILE_NAME = 'cookie-secret';

export function loadConfig(env: Env = process.env, opts: LoadOptions = {}): Config {
  const readFile = opts.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const problems: string[] = [];
  const raw = collectRaw(env, readFile, problems);
  const unknown = unknownSettingHints(env);

  // Parse field by field so that every bad setting is reported, not just the first.
  const parsed: Partial<Settings> = {};
  const shape = settingsSchema.shape;
  for (const name of SETTING_NAMES) {
    const r = shape[name].safeParse(raw[name]);
    if (r.success) (parsed as Record<string, unknown>)[name] = r.data;
    else problems.push(`${name}: ${r.error.issues[0]?.message ?? 'is not valid'}`);
  }

  const okta = resolveOkta(raw, parsed, readFile, problems, env);
  const publicUrl = resolvePublicUrl(raw, parsed, problems);
  const store = resolveStore(raw, parsed, problems);
  const logo = parsed.LOGO_FILE === undefined ? null : readLogo(parsed.LOGO_FILE, opts.readBinaryFile ?? readFileSync, problems);
  if (parsed.OTT_TTL_SECONDS !== undefined && parsed.FLOW_TTL_SECONDS !== undefined) {
    if (parsed.OTT_TTL_SECONDS > parsed.FLOW_TTL_SECONDS) {
      problems.push('OTT_TTL_SECONDS: must not exceed FLOW_TTL_SECONDS (the ott lives inside its flow)');
    }
  }
  const oidc = resolveOidc(raw, parsed, problems);
  if (parsed.SESSION_IDLE_SECONDS !== undefined && parsed.SESSION_TTL_SECONDS !== undefined) {
    if (parsed.SESSION_IDLE_SECONDS > parsed.SESSION_TTL_SECONDS) {
      problems.push('SESSION_IDLE_SECONDS: must not exceed SESSION_TTL_SECONDS (the idle limit lives inside the session)');
    }
  }
  if (parsed.METRICS_PORT !== undefined && parsed.METRICS_PORT !== 0 && parsed.METRICS_PORT === parsed.PORT) {
    problems.push('METRICS_PORT: must differ from PORT (leave it unset to serve /metrics on the main port)');
  }
  const metricsToken = resolveMetricsToken(parsed, readFile, problems);
  if (parsed.METRICS_PUBLIC === true && parsed.METRICS_PORT !== undefined && parsed.METRICS_PORT !== 0) {
    problems.push('METRICS_PUBLIC: only for /metrics on the main port; with METRICS_PORT, restrict access with METRICS_HOST or METRICS_TOKEN');
  }
  if (store !== null && store.value.kind === 'redis' && raw.COOKIE_SECRET === undefined) {
    problems.push('COOKIE_SECRET: required with STORE=redis (every instance must sign cookies with the same secret; e.g. openssl rand -base64 32)');
  }
  if (raw.SMTP_URL !== undefined && raw.MAIL_FROM === undefined) {
    problems.push('MAIL_FROM: required with SMTP_URL (the sender of notifications, e.g. "Password portal <no-reply@example.com>")');
  }
  // A misspelt name is the likeliest cause of a missing setting: say so beside the problems.
  if (problems.length > 0) problems.push(...unknown);
  const breachFile = resolveBreachFile(parsed, problems);
  let groupRules: GroupRule[] = [];
  if (parsed.GROUP_RULES !== undefined && parsed.RECOVERY_METHODS !== undefined) {
    const r = resolveGroupRules(parsed.GROUP_RULES, parsed.RECOVERY_METHODS);
    if (r.ok) groupRules = r.value;
    else problems.push(`GROUP_RULES: ${r.message}`);
  }
  if (problems.length > 0 || okta === null || publicUrl === null || store === null) throw new ConfigError(problems);

  const s = parsed as Settings;
  const warnings: string[] = [...unknown];
  let cookieSecret = s.COOKIE_SECRET;
  let cookieSource: Config['cookie']['source'] = 'setting';
  if (cookieSecret === undefined && store.value.kind === 'sqlite' && opts.keepCookieSecret === true) {
    cookieSecret = keptCookieSecret(store.value.dataDir); // throws ConfigError naming DATA_DIR
    cookieSource = 'data-dir';
  }
  if (cookieSecret === undefined) {
    cookieSecret = randomBytes(32).toString('base64url');
    cookieSource = 'process';
    warnings.push(
      'COOKIE_SECRET is not set: a random secret was generated for this process, so flows in progress do not survive a restart and several instances cannot share them.',
    );
  }
  if (okta.mode === 'emulator' && !isLoopbackHost(s.HOST)) {
    warnings.push(
      'OKTA_ORG_URL is not set: the portal runs against the built-in emulator demo org, and HOST is not a loopback address, so the demo is reachable from the network.',
    );
  }
  if (okta.mode === 'org' && s.RESEND_COOLDOWN_SECONDS < 30 && s.RECOVERY_METHODS.some((m) => m === 'sms' || m === 'call')) {
    warnings.push('RESEND_COOLDOWN_SECONDS is below 30: Okta refuses SMS and voice resends within 30 seconds anyway.');
  }

  warnings.push(...storeWarnings(raw, store.value));
  if (raw.METRICS_HOST !== undefined && raw.METRICS_PORT === undefined) {
    warnings.push('METRICS_HOST is set but METRICS_PORT is not: METRICS_HOST is not used.');
  }
  if (s.METRICS_PUBLIC && metricsToken === null) {
    warnings.push(
      'METRICS_PUBLIC is true: anyone who reaches the main port can read /metrics (traffic, failure rates, per-operation Okta counters that can hint at which accounts exist). Prefer METRICS_PORT or METRICS_TOKEN.',
    );
  }

  const config: Config = {
    server: { host: s.HOST, port: s.PORT, publicUrl, trustProxy: s.TRUST_PROXY },
    okta,
    oktaTimeoutMs: s.OKTA_TIMEOUT_MS,
    oktaProxy: s.HTTPS_PROXY === undefined ? null : hideSecret({}, 'url', s.HTTPS_PROXY),
    oktaResilience: {
      maxConcurrency: s.OKTA_MAX_CONCURRENCY,
      maxQueue: s.OKTA_MAX_QUEUE,
      breakerFailures: s.OKTA_BREAKER_FAILURES,
      breakerCooldownSeconds: s.OKTA_BREAKER_COOLDOWN_SECONDS,
      rateLimitReservePercent: s.OKTA_RATE_LIMIT_RESERVE_PERCENT,
    },
    ops: {
      metrics: s.METRICS_PORT === 0 ? null : { host: s.METRICS_HOST ?? '127.0.0.1', port: s.METRICS_PORT },
      metricsOnMainPort: s.METRICS_PORT !== 0 ? 'off' : metricsToken !== null ? 'token' : s.METRICS_PUBLIC ? 'public' : 'off',
      metricsToken: metricsToken === null ? null : hideSecret({}, 'value', metricsToken),
      shutdownTimeoutSeconds: s.SHUTDOWN_TIMEOUT_SECONDS,
    },
    store: store.value,
    recovery: {
      methods: s.RECOVERY_METHODS,
      showEnrolledMethods: s.SHOW_ENROLLED_METHODS,
      allowLockedOut: s.ALLOW_LOCKED_OUT_RECOVERY,
      selfServiceUnlock: s.SELF_SERVICE_UNLOCK,
      groupRules,
      flowTtlSeconds: s.FLOW_TTL_SECONDS,
      ottTtlSeconds: s.OTT_TTL_SECONDS,
      resendCooldownSeconds: s.RESEND_COOLDOWN_SECONDS,
      pushPollIntervalSeconds: s.PUSH_POLL_INTERVAL_SECONDS,
      maxWrongCodesPerFlow: s.MAX_WRONG_CODES_PER_FLOW,
      factorLockout: { threshold: s.OKTA_FACTOR_LOCKOUT_THRESHOLD, windowSeconds: s.OKTA_FACTOR_LOCKOUT_WINDOW_SECONDS },
      revokeSessionsDefault: s.REVOKE_SESSIONS_DEFAULT,
      limits: {
        perLogin: s.LIMIT_PER_LOGIN,
        perIp: s.LIMIT_PER_IP,
        perDestination: s.LIMIT_PER_DESTINATION,
        globalSends: s.LIMIT_GLOBAL_SENDS,
        pushPerUser: s.LIMIT_PUSH_PER_USER,
      },
    },
    cookie: hideSecret({ generated: cookieSource !== 'setting', source: cookieSource }, 'secret', cookieSecret),
    logLevel: s.LOG_LEVEL,
    branding: {
      orgName: s.ORG_NAME,
      supportUrl: s.SUPPORT_URL ?? null,
      signInUrl: s.SIGN_IN_URL ?? null,
      logo,
      accentColor: s.ACCENT_COLOR ?? null,
      passwordRequirements: s.PASSWORD_REQUIREMENTS ?? null,
      passwordMinStrength: s.PASSWORD_MIN_STRENGTH,
      passwordRulesFromOkta:
        s.PASSWORD_RULES_FROM_OKTA === 'on' ||
        (s.PASSWORD_RULES_FROM_OKTA === 'auto' && s.OKTA_CLIENT_ID !== undefined && s.OKTA_SCOPES.includes('okta.policies.read')),
      defaultLanguage: s.DEFAULT_LANGUAGE,
      phoneDefaultCountry: s.PHONE_DEFAULT_COUNTRY ?? null,
    },
    oidc: oidc ?? null,
    oidcRequest: { redirectPath: s.OIDC_REDIRECT_PATH, scopes: s.OIDC_SCOPES },
    session: { ttlSeconds: s.SESSION_TTL_SECONDS, idleSeconds: s.SESSION_IDLE_SECONDS },
    helpdesk: { group: s.HELPDESK_GROUP ?? null },
    insights: { group: s.INSIGHTS_GROUP ?? null },
    mail: {
      smtp: s.SMTP_URL === undefined ? null : hideSecret({}, 'url', s.SMTP_URL),
      timeoutMs: s.SMTP_TIMEOUT_MS,
      from: s.MAIL_FROM ?? null,
      securityAlertTo: s.SECURITY_ALERT_EMAIL ?? null,
      reportLinkTtlHours: s.REPORT_LINK_TTL_HOURS,
      reportSuspendsUser: s.REPORT_SUSPENDS_USER,
      reportLinkSecret: s.REPORT_LINK_SECRET === undefined ? null : hideSecret({}, 'value', s.REPORT_LINK_SECRET),
    },
    breach: {
      mode: s.BREACHED_PASSWORD_CHECK,
      apiUrl: s.BREACHED_PASSWORD_API_URL,
      file: breachFile,
      timeoutMs: s.BREACHED_PASSWORD_TIMEOUT_MS,
      failOpen: s.BREACHED_PASSWORD_FAIL_OPEN,
    },
    warnings,
  };
  return deepFreeze(config);
}

/**
 * BREACHED_PASSWORD_FILE: required with BREACHED_PASSWORD_CHECK=file, and then readable with a `SHA1:COUNT` first
 * line (only the first bytes are read: the file is searched, never loaded). Returns the absolute path or null.
 */
function resolveBreachFile(parsed: Partial<Settings>, problems: string[]): string | null {
  const mode = parsed.BREACHED_PASSWORD_CHECK;
  const file = parsed.BREACHED_PASSWORD_FILE;
  if (mode !== 'file') return null;
  if (file === undefined) {
    problems.push('BREACHED_PASSWORD_FILE: must be set when BREACHED_PASSWORD_CHECK is file');
    return null;
  }
  const path = resolvePath(file);
  let head = '';
  try {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(64);
      head = buf.subarray(0, readSync(fd, buf, 0, 64, 0)).toString('latin1');
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    problems.push(`BREACHED_PASSWORD_FILE: cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    return null;
  }
  if (!/^[0-9A-Fa-f]{40}:\d{1,12}\r?(\n|$)/.test(head)) {
    problems.push('BREACHED_PASSWORD_FILE: must be the Pwned Passwords download sorted by hash, one SHA1:COUNT line each');
    return null;
  }
  return path;
}

/**
 * Merges the optional config file with the environment (environment wins); blank values are unset. A secret may
 * come from NAME_FILE instead (the file's text without its trailing line break); setting both is a mistake.
 */
function collectRaw(env: Env, readFile: (p: string) => string, problems: string[]): Raw {
  const raw: Raw = {};
  const file = nonBlank(env[CONFIG_FILE_VAR]);
  if (file !== undefined) Object.assign(raw, readConfigFile(file, readFile, problems));
  for (const name of SETTING_NAMES) {
    const v = nonBlank(env[name]);
    if (v !== undefined) raw[name] = v;
  }
  for (const name of SECRET_FILE_SETTINGS) {
    if (!(SETTING_NAMES as readonly string[]).includes(name)) continue;
    const fileVar = `${name}_FILE`;
    const path = nonBlank(env[fileVar]);
    if (path === undefined) continue;
    if (nonBlank(env[name]) !== undefined) {
      problems.push(`${fileVar}: set either ${name} or ${fileVar}, not both`);
      continue;
    }
    let text: string;
    try {
      text = readFile(path);
    } catch (e) {
      problems.push(`${fileVar}: cannot read ${path.slice(0, 200)} (${errorLabel(e)})`);
      continue;
    }
    const value = nonBlank(text.replace(/\r?\n$/, ''));
    if (value === undefined) problems.push(`${fileVar}: ${path.slice(0, 200)} is empty`);
    else raw[name as SettingName] = value;
  }
  return raw;
}

/** Kubernetes' service links (NAME_PORT=tcp://..., NAME_SERVICE_HOST): not settings, never worth a warning. */
const SERVICE_LINK = /_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)?)$/;

/**
 * Environment variables that look like the portal's but are not (a misspelling, another tool's name such as the
 * Okta SDK's OKTA_CLIENT_TOKEN): one line each, naming the closest setting. Only names are shown, never values.
 */
export function unknownSettingHints(env: Env): string[] {
  const known = new Set<string>([...SETTING_NAMES, CONFIG_FILE_VAR, ...SECRET_FILE_SETTINGS.map((n) => `${n}_FILE`)]);
  const out: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (known.has(name) || !/^[A-Z][A-Z0-9_]{1,80}$/.test(name) || SERVICE_LINK.test(name)) continue;
    let best = '';
    let bestDistance = Infinity;
    for (const candidate of known) {
      const d = editDistance(name, candidate);
      if (d < bestDistance) [best, bestDistance] = [candidate, d];
    }
    const ours = NON_DEMO_PREFIXES.some((p) => name.startsWith(p)) || name.startsWith('PORTAL_');
    const close = bestDistance <= (name.length >= 8 ? 2 : 1);
    if (ours || close) out.push(`${name}: not a setting of the portal, ignored; did you mean ${best}?`);
  }
  return out;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** Reads DATA_DIR/cookie-secret, creating it (0600, in a 0700 directory) with 32 random bytes on first start. */
function keptCookieSecret(dataDir: string): string {
  const file = joinPath(dataDir, COOKIE_SECRET_FILE_NAME);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const secret = readFileSync(file, 'utf8').trim();
    if (!/^[\x21-\x7e]{32,1024}$/.test(secret)) {
      throw new ConfigError([`DATA_DIR: ${file} does not hold a usable cookie secret (delete it to generate a new one, or set COOKIE_SECRET)`]);
    }
    return secret;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError([`DATA_DIR: cannot keep the cookie secret in ${file} (${errorLabel(e)}); set COOKIE_SECRET or make DATA_DIR writable`]);
  }
}

// The YAML parser is loaded only when PORTAL_CONFIG names a file (most deployments use the environment alone), and
// synchronously, as loadConfig is: createRequire gives yaml's CommonJS build, the one its package exports to Node.
const loadModule = createRequire(import.meta.url);

function readConfigFile(path: string, readFile: (p: string) => string, problems: string[]): Raw {
  let doc: unknown;
  try {
    const { parse: parseYaml } = loadModule('yaml') as typeof Yaml;
    doc = parseYaml(readFile(path)); // YAML 1.2 is a superset of JSON: one parser for both.
  } catch (e) {
    problems.push(`${CONFIG_FILE_VAR}: cannot read ${path} as JSON or YAML (${errorLabel(e)})`);
    return {};
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    problems.push(`${CONFIG_FILE_VAR}: ${path} must contain a mapping of setting names to values`);
    return {};
  }
  const out: Raw = {};
  for (const [key, value] of Object.entries(doc)) {
    if (!(SETTING_NAMES as string[]).includes(key)) {
      problems.push(`${CONFIG_FILE_VAR}: unknown setting "${key.slice(0, 60)}" in ${path}`);
      continue;
    }
    const name = key as SettingName;
    if (value === null) continue;
    if (STRUCTURED.has(name)) {
      out[name] = typeof value === 'string' ? value : JSON.stringify(value);
      continue;
    }
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      const v = nonBlank(String(value));
      if (v !== undefined) out[name] = v;
    } else if (Array.isArray(value) && value.every((x) => typeof x === 'string')) {
      out[name] = value.join(LIST_SEPARATOR[name] ?? ',');
    } else {
      problems.push(`${name}: must be a string, number, boolean or list of strings in ${path}`);
    }
  }
  return out;
}

/** Why this configuration is not the demo (null: it is): a setting that means a real deployment. */
function notDemoReason(raw: Raw, parsed: Partial<Settings>, env: Env): string | null {
  const names = new Set<string>([...(Object.keys(raw) as string[]), ...Object.keys(env).filter((k) => nonBlank(env[k]) !== undefined)]);
  const real = [...names]
    .filter((n) => NON_DEMO_PREFIXES.some((p) => n.startsWith(p)) && !DEMO_NEUTRAL.has(n))
    .sort();
  if (real.length > 0) return `${real.slice(0, 3).join(', ')} ${real.length === 1 ? 'is' : 'are'} set`;
  if (raw.PUBLIC_URL !== undefined) {
    if (parsed.PUBLIC_URL === undefined) return null; // PUBLIC_URL's own problem is reported
    const url = new URL(parsed.PUBLIC_URL);
    if (url.protocol !== 'http:' || !isLoopbackHost(url.hostname)) return 'PUBLIC_URL is not http:// on a loopback address';
  }
  return null;
}

function resolveOkta(
  raw: Raw,
  parsed: Partial<Settings>,
  readFile: (p: string) => string,
  problems: string[],
  env: Env,
): Config['okta'] | null {
  const hasToken = raw.OKTA_API_TOKEN !== undefined;
  const pkSet = PRIVATE_KEY_SETTINGS.filter((n) => raw[n] !== undefined);

  if (raw.OKTA_ORG_URL === undefined) {
    // Name the setting the operator wrote: the token may have come from OKTA_API_TOKEN_FILE.
    const tokenName = nonBlank(env.OKTA_API_TOKEN) === undefined && nonBlank(env.OKTA_API_TOKEN_FILE) !== undefined ? 'OKTA_API_TOKEN_FILE' : 'OKTA_API_TOKEN';
    const stray = [...(hasToken ? [tokenName] : []), ...pkSet];
    if (stray.length > 0) {
      problems.push(`OKTA_ORG_URL: required because ${stray.join(', ')} is set (without OKTA_ORG_URL the portal uses the built-in emulator)`);
      return null;
    }
    const reason = notDemoReason(raw, parsed, env);
    if (reason === null) return { mode: 'emulator' };
    problems.push(
      `OKTA_ORG_URL: required because ${reason} (the built-in demo org runs only when no Okta, OIDC or SMTP setting is set and PUBLIC_URL is http:// on loopback)`,
    );
    return null;
  }
  if (parsed.OKTA_ORG_URL === undefined) return null; // already reported
  const orgUrl = parsed.OKTA_ORG_URL;

  if (hasToken && pkSet.length > 0) {
    problems.push(
      `OKTA_API_TOKEN: set either OKTA_API_TOKEN or OKTA_CLIENT_ID + OKTA_KEY_ID + OKTA_PRIVATE_KEY_FILE, not both (also set: ${pkSet.join(', ')})`,
    );
    return null;
  }
  if (hasToken) {
    if (parsed.OKTA_API_TOKEN === undefined) return null;
    return { mode: 'org', orgUrl, auth: hideSecret({ kind: 'ssws' as const }, 'token', parsed.OKTA_API_TOKEN) };
  }
  if (pkSet.length === 0) {
    problems.push(
      'OKTA_API_TOKEN: required when OKTA_ORG_URL is set (or use an OAuth service app: OKTA_CLIENT_ID, OKTA_KEY_ID and OKTA_PRIVATE_KEY_FILE)',
    );
    return null;
  }
  const missing = PRIVATE_KEY_SETTINGS.filter((n) => raw[n] === undefined);
  for (const name of missing) problems.push(`${name}: required with ${pkSet.join(' and ')} (OAuth service app mode)`);
  if (missing.length > 0) return null;

  const { OKTA_CLIENT_ID: clientId, OKTA_KEY_ID: keyId, OKTA_PRIVATE_KEY_FILE: keyFile, OKTA_SCOPES: scopes } = parsed;
  if (clientId === undefined || keyId === undefined || keyFile === undefined || scopes === undefined) return null;
  const privateKeyPem = readPrivateKey(keyFile, readFile, problems);
  if (privateKeyPem === null) return null;
  return { mode: 'org', orgUrl, auth: hideSecret({ kind: 'private-key' as const, clientId, keyId, scopes }, 'privateKeyPem', privateKeyPem) };
}

/**
 * An unencrypted PEM (PKCS#1, PKCS#8 or SEC1; RSA or EC P-256/384/521) or a private JWK as JSON; checked here by
 * parsing it with the same code that signs the client assertions (src/okta/oauth.ts), so a bad key stops the start.
 */
function readPrivateKey(path: string, readFile: (p: string) => string, problems: string[]): string | null {
  let text: string;
  try {
    text = readFile(path);
  } catch (e) {
    problems.push(`OKTA_PRIVATE_KEY_FILE: cannot read ${path} (${errorLabel(e)})`);
    return null;
  }
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(text)) {
    problems.push('OKTA_PRIVATE_KEY_FILE: the key is encrypted; the portal needs an unencrypted PEM private key');
    return null;
  }
  try {
    signingKeyOf(text);
    return text.trim();
  } catch {
    // the message below; the parser's own message could quote the file
  }
  problems.push('OKTA_PRIVATE_KEY_FILE: the file does not contain a usable private key (a PEM or a private JWK; RSA, or EC on P-256, P-384 or P-521)');
  return null;
}

/** METRICS_TOKEN or the trimmed content of METRICS_TOKEN_FILE (a secret mounted as a file), not both. */
function resolveMetricsToken(parsed: Partial<Settings>, readFile: (p: string) => string, problems: string[]): string | null {
  if (parsed.METRICS_TOKEN !== undefined && parsed.METRICS_TOKEN_FILE !== undefined) {
    problems.push('METRICS_TOKEN: set either METRICS_TOKEN or METRICS_TOKEN_FILE, not both');
    return null;
  }
  if (parsed.METRICS_TOKEN !== undefined) return parsed.METRICS_TOKEN;
  const path = parsed.METRICS_TOKEN_FILE;
  if (path === undefined) return null;
  let text: string;
  try {
    text = readFile(path).trim();
  } catch (e) {
    problems.push(`METRICS_TOKEN_FILE: cannot read ${path} (${errorLabel(e)})`);
    return null;
  }
  if (!/^[\x21-\x7e]{16,1024}$/.test(text)) {
    problems.push('METRICS_TOKEN_FILE: the file must hold 16 to 1024 visible characters with no spaces (e.g. openssl rand -hex 32)');
    return null;
  }
  return text;
}

function readLogo(path: string, readBinaryFile: (p: string) => Uint8Array, problems: string[]): Logo | null {
  let bytes: Uint8Array;
  try {
    bytes = readBinaryFile(path);
  } catch (e) {
    problems.push(`LOGO_FILE: cannot read ${path} (${errorLabel(e)})`);
    return null;
  }
  const r = parseLogo(bytes);
  if (r.ok) return r.value;
  problems.push(`LOGO_FILE: ${r.message}`);
  return null;
}

/** OIDC_ISSUER and OIDC_CLIENT_ID go together; the secret needs them. undefined = not configured (or already reported). */
function resolveOidc(raw: Raw, parsed: Partial<Settings>, problems: string[]): OidcConfig | undefined {
  const hasIssuer = raw.OIDC_ISSUER !== undefined;
  const hasClient = raw.OIDC_CLIENT_ID !== undefined;
  if (!hasIssuer && !hasClient) {
    if (raw.OIDC_CLIENT_SECRET !== undefined) problems.push('OIDC_CLIENT_SECRET: set only together with OIDC_ISSUER and OIDC_CLIENT_ID');
    return undefined;
  }
  if (!hasIssuer) problems.push('OIDC_ISSUER: required when OIDC_CLIENT_ID is set (e.g. https://dev-123456.okta.com/oauth2/default)');
  if (!hasClient) problems.push('OIDC_CLIENT_ID: required when OIDC_ISSUER is set (the client id of the portal\'s OIDC web app)');
  const { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: clientId, OIDC_REDIRECT_PATH: redirectPath, OIDC_SCOPES: scopes } = parsed;
  if (issuer === undefined || clientId === undefined || redirectPath === undefined || scopes === undefined) return undefined;
  if (raw.OIDC_CLIENT_SECRET !== undefined && parsed.OIDC_CLIENT_SECRET === undefined) return undefined;
  const config = { issuer, clientId, redirectPath, scopes } as unknown as OidcConfig;
  Object.defineProperty(config, 'clientSecret', { value: parsed.OIDC_CLIENT_SECRET ?? null, enumerable: false, writable: false, configurable: false });
  return config;
}

const REDIS_WHERE = ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const;
/** Settings that only mean something with REDIS_SENTINELS or REDIS_CLUSTER_NODES (single: in REDIS_URL). */
const REDIS_MULTI_NODE_ONLY = ['REDIS_USERNAME', 'REDIS_PASSWORD', 'REDIS_TLS'] as const;
const REDIS_SENTINEL_ONLY = ['REDIS_SENTINEL_MASTER', 'REDIS_SENTINEL_PASSWORD'] as const;

/**
 * STORE defaults to redis when REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES is set, else sqlite; redis needs
 * exactly one of the three. Credentials: in REDIS_URL for one server, REDIS_USERNAME / REDIS_PASSWORD otherwise.
 */
function resolveStore(raw: Raw, parsed: Partial<Settings>, problems: string[]): { value: StoreConfig } | null {
  const { DATA_DIR: dataDir, REDIS_KEY_PREFIX: keyPrefix, AUDIT_RETENTION_DAYS: auditRetentionDays } = parsed;
  if (raw.STORE !== undefined && parsed.STORE === undefined) return null; // already reported
  if (REDIS_WHERE.some((n) => raw[n] !== undefined && parsed[n] === undefined)) return null;
  if (dataDir === undefined || keyPrefix === undefined || auditRetentionDays === undefined) return null;
  const where = REDIS_WHERE.filter((n) => raw[n] !== undefined);
  const kind = parsed.STORE ?? (where.length > 0 ? 'redis' : 'sqlite');
  let redis: StoreConfig['redis'] = null;
  if (kind === 'redis') {
    if (where.length === 0) {
      problems.push(
        'REDIS_URL: required when STORE=redis (e.g. redis://127.0.0.1:6379/0), or REDIS_SENTINELS for Sentinel, or REDIS_CLUSTER_NODES for a Redis Cluster',
      );
      return null;
    }
    if (where.length > 1) {
      problems.push(`${where[1]}: set only one of REDIS_URL, REDIS_SENTINELS and REDIS_CLUSTER_NODES (also set: ${where.filter((_, i) => i !== 1).join(', ')})`);
      return null;
    }
    const mode = where[0] === 'REDIS_SENTINELS' ? 'sentinel' : where[0] === 'REDIS_CLUSTER_NODES' ? 'cluster' : 'single';
    const misplaced = [
      ...(mode === 'single' ? REDIS_MULTI_NODE_ONLY.map((n) => [n, 'with REDIS_URL, put the user name and password in the URL and use rediss:// for TLS'] as const) : []),
      ...(mode !== 'sentinel' ? REDIS_SENTINEL_ONLY.map((n) => [n, 'only with REDIS_SENTINELS'] as const) : []),
    ];
    let bad = false;
    for (const [name, why] of misplaced) {
      if (raw[name] === undefined) continue;
      problems.push(`${name}: ${why}`);
      bad = true;
    }
    if (bad || REDIS_MULTI_NODE_ONLY.some((n) => raw[n] !== undefined && parsed[n] === undefined)) return null;
    if (raw.REDIS_SENTINEL_PASSWORD !== undefined && parsed.REDIS_SENTINEL_PASSWORD === undefined) return null;
    const nodes = (mode === 'sentinel' ? parsed.REDIS_SENTINELS : mode === 'cluster' ? parsed.REDIS_CLUSTER_NODES : undefined) ?? [];
    const list = nodes.map(nodeName).join(',');
    const display =
      mode === 'single'
        ? redisDisplay(parsed.REDIS_URL!)
        : mode === 'sentinel'
          ? `sentinel master ${parsed.REDIS_SENTINEL_MASTER ?? 'mymaster'} via ${list}`
          : `cluster ${list}`;
    const cfg = {
      mode,
      keyPrefix,
      display,
      nodes,
      sentinelMaster: mode === 'sentinel' ? (parsed.REDIS_SENTINEL_MASTER ?? 'mymaster') : null,
      username: parsed.REDIS_USERNAME ?? null,
      tls: parsed.REDIS_TLS ?? false,
    };
    hideSecret(cfg, 'url', parsed.REDIS_URL ?? '');
    hideSecret(cfg, 'password', parsed.REDIS_PASSWORD ?? null);
    redis = hideSecret(cfg, 'sentinelPassword', parsed.REDIS_SENTINEL_PASSWORD ?? null) as unknown as RedisConfig;
  }
  return { value: { kind, dataDir: resolvePath(dataDir), redis, auditRetentionDays } };
}

function nodeName(n: RedisNode): string {
  return n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`;
}

function storeWarnings(raw: Raw, store: StoreConfig): string[] {
  const out: string[] = [];
  if (store.kind === 'memory') {
    out.push('STORE=memory: flows, limits and audit events live in this process only (lost on restart, not shared between instances); use it for tests only.');
  }
  if (store.kind !== 'redis') {
    for (const name of REDIS_WHERE) if (raw[name] !== undefined) out.push(`${name} is set but STORE=${store.kind}: it is not used.`);
  }
  const r = store.redis;
  if (r && r.mode === 'single' && r.url.startsWith('redis:') && !isLoopbackHost(new URL(r.url).hostname)) {
    out.push('REDIS_URL: redis:// sends data unencrypted to a host that is not loopback; use rediss:// (TLS) across a network.');
  }
  if (r && r.mode !== 'single' && !r.tls && r.nodes.some((n) => !isLoopbackHost(n.host))) {
    const name = r.mode === 'sentinel' ? 'REDIS_SENTINELS' : 'REDIS_CLUSTER_NODES';
    out.push(`REDIS_TLS: ${name} names hosts that are not loopback and REDIS_TLS is false: data crosses the network unencrypted.`);
  }
  return out;
}

/** A Redis URL without its credentials: redis://host:port/db. */
function redisDisplay(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
}

function resolvePublicUrl(raw: Raw, parsed: Partial<Settings>, problems: string[]): string | null {
  if (raw.PUBLIC_URL !== undefined) return parsed.PUBLIC_URL ?? null;
  const { HOST: host, PORT: port } = parsed;
  if (host !== undefined && !isLoopbackHost(host)) {
    problems.push('PUBLIC_URL: required when HOST is not a loopback address (links are built from it, never from the Host header)');
    return null;
  }
  if (host === undefined || port === undefined) return null;
  if (port === 0) {
    problems.push('PUBLIC_URL: required when PORT is 0 (the port is only known after start)');
    return null;
  }
  const h = host.includes(':') ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

/**
 * Adds a secret as a non-enumerable property: readable as usual, but skipped by JSON.stringify,
 * console.log / util.inspect and pino, so logging the config (or part of it) cannot leak it.
 * Consequence: do not copy these objects with spread; pass them as they are.
 */
function hideSecret<T extends object, K extends string, V extends string | null = string>(obj: T, key: K, value: V): T & Record<K, V> {
  Object.defineProperty(obj, key, { value, enumerable: false, writable: false, configurable: false });
  return obj as T & Record<K, V>;
}

function nonBlank(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

function errorLabel(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return e instanceof Error ? e.message.split('\n')[0]!.slice(0, 120) : 'unknown error';
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
