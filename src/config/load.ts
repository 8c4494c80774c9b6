/**
 * loadConfig: reads every setting from the environment (and optionally a JSON/YAML file named by
 * PORTAL_CONFIG, whose values the environment overrides), validates them all, and returns a deeply
 * frozen Config, or throws one ConfigError listing every problem, each prefixed with the setting's name.
 * Rules: blank values count as unset; secrets are never echoed; the Okta SDK's implicit sources
 * (okta.yaml, OKTA_CLIENT_*) are not consulted; the adapter is given everything explicitly.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import type * as Yaml from 'yaml';
import type { RecoveryMethod } from '../core/ports.js';
import type { Window } from '../core/recovery/policy.js';
import { signingKeyOf } from '../okta/oauth.js';
import { parseLogo, type Logo } from './branding.js';
import {
  CONFIG_FILE_VAR,
  SETTING_NAMES,
  settingsSchema,
  type Language,
  type SettingName,
  type Settings,
  type StoreKindSetting,
} from './schema.js';
import { isLoopbackHost } from './values.js';

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
  };
  /** Operations: metrics listener and shutdown (src/ops, main.ts). */
  ops: {
    /** A separate listener for /metrics, or null to serve it on the main port. */
    metrics: { host: string; port: number } | null;
    shutdownTimeoutSeconds: number;
  };
  /** Where state and audit events are kept (src/store, src/audit). */
  store: StoreConfig;
  recovery: {
    methods: readonly RecoveryMethod[];
    showEnrolledMethods: boolean;
    allowLockedOut: boolean;
    flowTtlSeconds: number;
    ottTtlSeconds: number;
    resendCooldownSeconds: number;
    pushPollIntervalSeconds: number;
    maxWrongCodesPerFlow: number;
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
    defaultLanguage: Language;
  };
  /** Sign-in with Okta (src/auth): null when OIDC_ISSUER / OIDC_CLIENT_ID are unset (in emulator mode main.ts then wires the emulator's). */
  oidc: OidcConfig | null;
  /** The sign-in request's callback path and scopes (OIDC_REDIRECT_PATH, OIDC_SCOPES), also when `oidc` is null. */
  oidcRequest: { redirectPath: string; scopes: readonly string[] };
  /** The signed-in portal session: absolute lifetime and idle limit. */
  session: { ttlSeconds: number; idleSeconds: number };
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

/** `redis.url` is non-enumerable (it may carry a password): pass the object on as it is, never spread it. */
export interface StoreConfig {
  kind: StoreKindSetting;
  /** Absolute path of the SQLite store's directory (DATA_DIR resolved against the working directory). */
  dataDir: string;
  /** Set when kind is redis. `display` is the URL without credentials, for messages. */
  redis: { url: string; keyPrefix: string; display: string } | null;
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
}

type Env = Record<string, string | undefined>;
type Raw = Partial<Record<SettingName, string>>;

/** Settings whose file lists are joined with something other than a comma (their items may contain commas). */
const LIST_SEPARATOR: Partial<Record<SettingName, string>> = { PASSWORD_REQUIREMENTS: '|' };

const PRIVATE_KEY_SETTINGS = ['OKTA_CLIENT_ID', 'OKTA_KEY_ID', 'OKTA_PRIVATE_KEY_FILE'] as const;

export function loadConfig(env: Env = process.env, opts: LoadOptions = {}): Config {
  const readFile = opts.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const problems: string[] = [];
  const raw = collectRaw(env, readFile, problems);

  // Parse field by field so that every bad setting is reported, not just the first.
  const parsed: Partial<Settings> = {};
  const shape = settingsSchema.shape;
  for (const name of SETTING_NAMES) {
    const r = shape[name].safeParse(raw[name]);
    if (r.success) (parsed as Record<string, unknown>)[name] = r.data;
    else problems.push(`${name}: ${r.error.issues[0]?.message ?? 'is not valid'}`);
  }

  const okta = resolveOkta(raw, parsed, readFile, problems);
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
  if (problems.length > 0 || okta === null || publicUrl === null || store === null) throw new ConfigError(problems);

  const s = parsed as Settings;
  const warnings: string[] = [];
  const cookieSecret = s.COOKIE_SECRET ?? randomBytes(32).toString('base64url');
  if (s.COOKIE_SECRET === undefined) {
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
    warnings.push('METRICS_HOST is set but METRICS_PORT is not: /metrics is served on the main port and METRICS_HOST is not used.');
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
    },
    ops: {
      metrics: s.METRICS_PORT === 0 ? null : { host: s.METRICS_HOST ?? s.HOST, port: s.METRICS_PORT },
      shutdownTimeoutSeconds: s.SHUTDOWN_TIMEOUT_SECONDS,
    },
    store: store.value,
    recovery: {
      methods: s.RECOVERY_METHODS,
      showEnrolledMethods: s.SHOW_ENROLLED_METHODS,
      allowLockedOut: s.ALLOW_LOCKED_OUT_RECOVERY,
      flowTtlSeconds: s.FLOW_TTL_SECONDS,
      ottTtlSeconds: s.OTT_TTL_SECONDS,
      resendCooldownSeconds: s.RESEND_COOLDOWN_SECONDS,
      pushPollIntervalSeconds: s.PUSH_POLL_INTERVAL_SECONDS,
      maxWrongCodesPerFlow: s.MAX_WRONG_CODES_PER_FLOW,
      revokeSessionsDefault: s.REVOKE_SESSIONS_DEFAULT,
      limits: {
        perLogin: s.LIMIT_PER_LOGIN,
        perIp: s.LIMIT_PER_IP,
        perDestination: s.LIMIT_PER_DESTINATION,
        globalSends: s.LIMIT_GLOBAL_SENDS,
        pushPerUser: s.LIMIT_PUSH_PER_USER,
      },
    },
    cookie: hideSecret({ generated: s.COOKIE_SECRET === undefined }, 'secret', cookieSecret),
    logLevel: s.LOG_LEVEL,
    branding: {
      orgName: s.ORG_NAME,
      supportUrl: s.SUPPORT_URL ?? null,
      signInUrl: s.SIGN_IN_URL ?? null,
      logo,
      accentColor: s.ACCENT_COLOR ?? null,
      passwordRequirements: s.PASSWORD_REQUIREMENTS ?? null,
      defaultLanguage: s.DEFAULT_LANGUAGE,
    },
    oidc: oidc ?? null,
    oidcRequest: { redirectPath: s.OIDC_REDIRECT_PATH, scopes: s.OIDC_SCOPES },
    session: { ttlSeconds: s.SESSION_TTL_SECONDS, idleSeconds: s.SESSION_IDLE_SECONDS },
    warnings,
  };
  return deepFreeze(config);
}

/** Merges the optional config file with the environment (environment wins); blank values are unset. */
function collectRaw(env: Env, readFile: (p: string) => string, problems: string[]): Raw {
  const raw: Raw = {};
  const file = nonBlank(env[CONFIG_FILE_VAR]);
  if (file !== undefined) Object.assign(raw, readConfigFile(file, readFile, problems));
  for (const name of SETTING_NAMES) {
    const v = nonBlank(env[name]);
    if (v !== undefined) raw[name] = v;
  }
  return raw;
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

function resolveOkta(
  raw: Raw,
  parsed: Partial<Settings>,
  readFile: (p: string) => string,
  problems: string[],
): Config['okta'] | null {
  const hasToken = raw.OKTA_API_TOKEN !== undefined;
  const pkSet = PRIVATE_KEY_SETTINGS.filter((n) => raw[n] !== undefined);

  if (raw.OKTA_ORG_URL === undefined) {
    const stray = [...(hasToken ? ['OKTA_API_TOKEN'] : []), ...pkSet];
    if (stray.length === 0) return { mode: 'emulator' };
    problems.push(`OKTA_ORG_URL: required because ${stray.join(', ')} is set (without OKTA_ORG_URL the portal uses the built-in emulator)`);
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

/** STORE defaults to redis when REDIS_URL is set, else sqlite; redis needs REDIS_URL. */
function resolveStore(raw: Raw, parsed: Partial<Settings>, problems: string[]): { value: StoreConfig } | null {
  const { DATA_DIR: dataDir, REDIS_KEY_PREFIX: keyPrefix, AUDIT_RETENTION_DAYS: auditRetentionDays } = parsed;
  if (raw.STORE !== undefined && parsed.STORE === undefined) return null; // already reported
  if (raw.REDIS_URL !== undefined && parsed.REDIS_URL === undefined) return null;
  if (dataDir === undefined || keyPrefix === undefined || auditRetentionDays === undefined) return null;
  const kind = parsed.STORE ?? (parsed.REDIS_URL !== undefined ? 'redis' : 'sqlite');
  let redis: StoreConfig['redis'] = null;
  if (kind === 'redis') {
    if (parsed.REDIS_URL === undefined) {
      problems.push('REDIS_URL: required when STORE=redis (e.g. redis://127.0.0.1:6379/0)');
      return null;
    }
    redis = hideSecret({ keyPrefix, display: redisDisplay(parsed.REDIS_URL) }, 'url', parsed.REDIS_URL);
  }
  return { value: { kind, dataDir: resolvePath(dataDir), redis, auditRetentionDays } };
}

function storeWarnings(raw: Raw, store: StoreConfig): string[] {
  const out: string[] = [];
  if (store.kind === 'memory') {
    out.push('STORE=memory: flows, limits and audit events live in this process only (lost on restart, not shared between instances); use it for tests only.');
  }
  if (store.kind !== 'redis' && raw.REDIS_URL !== undefined) out.push(`REDIS_URL is set but STORE=${store.kind}: it is not used.`);
  if (store.redis && store.redis.url.startsWith('redis:') && !isLoopbackHost(new URL(store.redis.url).hostname)) {
    out.push('REDIS_URL: redis:// sends data unencrypted to a host that is not loopback; use rediss:// (TLS) across a network.');
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
function hideSecret<T extends object, K extends string>(obj: T, key: K, value: string): T & Record<K, string> {
  Object.defineProperty(obj, key, { value, enumerable: false, writable: false, configurable: false });
  return obj as T & Record<K, string>;
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
