// The seed format (JSON or YAML) describing an emulated org, validated with zod. Rules: unknown keys are refused so a
// typo is reported rather than ignored; every message names the offending field path (users[3].factors[0].type);
// cross-field rules (unique logins/ids, password needed for statuses that sign in, admin owner exists, unique OIDC client
// ids, a secret exactly when the client authenticates with one) are checked here.
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { z } from 'zod';
import { ANSWER_MIN, SECURITY_QUESTIONS } from '../org/recovery.js';

export const USER_STATUSES = [
  'ACTIVE',
  'STAGED',
  'PROVISIONED',
  'SUSPENDED',
  'DEPROVISIONED',
  'LOCKED_OUT',
  'PASSWORD_EXPIRED',
  'RECOVERY',
] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const SEED_FACTOR_TYPES = ['sms', 'call', 'email', 'push', 'google-totp', 'okta-totp', 'question'] as const;
export type SeedFactorType = (typeof SEED_FACTOR_TYPES)[number];

const base32 = z
  .string()
  .regex(/^[A-Z2-7]+=*$/, 'must be base32 (A-Z, 2-7)')
  .min(16, 'must be at least 16 base32 characters (80 bits)');
const e164 = z.string().regex(/^\+[1-9]\d{1,14}$/, 'must be an E.164 phone number like +15550100');
const factorId = z.string().regex(/^[A-Za-z0-9]{3,40}$/, 'must be 3-40 letters or digits');

export const seedFactorSchema = z
  .object({
    id: factorId.optional(),
    type: z.enum(SEED_FACTOR_TYPES),
    phoneNumber: e164.optional(),
    email: z.email().optional(),
    secret: base32.optional(),
    status: z.enum(['ACTIVE', 'PENDING_ACTIVATION']).default('ACTIVE'),
    deviceName: z.string().min(1).max(100).optional(),
    question: z.enum(SECURITY_QUESTIONS.map((q) => q.question) as [string, ...string[]]).optional(),
    answer: z.string().trim().min(ANSWER_MIN).max(100).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.type === 'question') {
      if (!f.question) ctx.addIssue({ code: 'custom', path: ['question'], message: 'is required for a question factor' });
      if (!f.answer) ctx.addIssue({ code: 'custom', path: ['answer'], message: 'is required for a question factor' });
      if (f.status !== 'ACTIVE') ctx.addIssue({ code: 'custom', path: ['status'], message: 'a question factor is always ACTIVE' });
    } else if (f.question !== undefined || f.answer !== undefined) {
      ctx.addIssue({ code: 'custom', path: [f.question !== undefined ? 'question' : 'answer'], message: 'is only allowed on question factors' });
    }
    if ((f.type === 'sms' || f.type === 'call') && !f.phoneNumber) {
      ctx.addIssue({ code: 'custom', path: ['phoneNumber'], message: `is required for a ${f.type} factor` });
    }
    if (f.secret && !f.type.endsWith('-totp')) {
      ctx.addIssue({ code: 'custom', path: ['secret'], message: 'is only allowed on google-totp and okta-totp factors' });
    }
  });

export const seedUserSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9]{5,40}$/, 'must be 5-40 letters or digits').optional(),
    login: z.string().min(5).max(100),
    email: z.email().optional(),
    secondEmail: z.email().optional(),
    firstName: z.string().min(1).max(50),
    lastName: z.string().min(1).max(50),
    mobilePhone: e164.optional(),
    status: z.enum(USER_STATUSES).default('ACTIVE'),
    password: z.string().min(1).max(256).optional(),
    passwordHistory: z.array(z.string().min(1).max(256)).max(24).default([]),
    mfaRequired: z.boolean().default(false),
    recoveryQuestion: z.object({ question: z.string().trim().min(1).max(100), answer: z.string().trim().min(ANSWER_MIN).max(100) }).strict().optional(),
    /** Names of the Okta groups the user is in (sent as the ID token's `groups` claim). */
    groups: z.array(z.string().min(1).max(255)).max(100).default([]),
    factors: z.array(seedFactorSchema).default([]),
  })
  .strict()
  .superRefine((u, ctx) => {
    const needsPassword = !['STAGED', 'PROVISIONED', 'DEPROVISIONED'].includes(u.status);
    if (needsPassword && !u.password) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: `is required for a user with status ${u.status}` });
    }
  });

const rateLimitSchema = z
  .object({
    path: z.string().startsWith('/', 'must start with /'),
    method: z
      .string()
      .regex(/^[A-Za-z]+$/)
      .transform((m) => m.toUpperCase())
      .optional(),
    limit: z.number().int().min(1).max(1_000_000),
    windowSeconds: z.number().int().min(1).max(86_400).default(60),
  })
  .strict();

export const OIDC_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'] as const;
export type OidcAuthMethod = (typeof OIDC_AUTH_METHODS)[number];

/** An absolute http(s) URL with no fragment and no credentials, as OAuth requires of redirect URIs. */
const redirectUri = z
  .string()
  .max(2000)
  .refine((v) => {
    const u = URL.parse(v);
    return u !== null && (u.protocol === 'http:' || u.protocol === 'https:') && u.hash === '' && !v.includes('#') && u.username === '' && u.password === '';
  }, 'must be an absolute http(s) URL without a fragment or credentials');

/**
 * An OIDC client of the emulated default authorization server. Without tokenEndpointAuthMethod a client with a
 * secret uses client_secret_basic and one without is public ('none', PKCE required).
 */
export const oidcClientSchema = z
  .object({
    clientId: z.string().regex(/^[A-Za-z0-9._~-]{3,100}$/, 'must be 3-100 characters: letters, digits, . _ ~ -'),
    clientSecret: z.string().min(8, 'must be at least 8 characters').max(200).optional(),
    clientName: z.string().min(1).max(100).optional(),
    redirectUris: z.array(redirectUri).min(1, 'needs at least one redirect URI').max(20),
    postLogoutRedirectUris: z.array(redirectUri).max(20).default([]),
    tokenEndpointAuthMethod: z.enum(OIDC_AUTH_METHODS).optional(),
    /** true: every sign-in to this client asks for a factor, whatever the user's mfaRequired. */
    mfaRequired: z.boolean().default(false),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.tokenEndpointAuthMethod === 'none' && c.clientSecret !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['clientSecret'], message: 'must be omitted when tokenEndpointAuthMethod is none' });
    }
    if (c.tokenEndpointAuthMethod && c.tokenEndpointAuthMethod !== 'none' && c.clientSecret === undefined) {
      ctx.addIssue({ code: 'custom', path: ['clientSecret'], message: `is required when tokenEndpointAuthMethod is ${c.tokenEndpointAuthMethod}` });
    }
  });

/** A public JWK of a service app (Okta: the app's "Public keys"); a private part (`d`, `p`, ...) is refused. */
const publicJwkSchema = z
  .object({
    kid: z.string().regex(/^[\x21-\x7e]{1,100}$/, 'must be 1-100 visible characters'),
    kty: z.enum(['RSA', 'EC']),
    use: z.literal('sig').optional(),
    alg: z.string().optional(),
    n: z.string().optional(),
    e: z.string().optional(),
    crv: z.enum(['P-256', 'P-384', 'P-521']).optional(),
    x: z.string().optional(),
    y: z.string().optional(),
  })
  .strict()
  .superRefine((k, ctx) => {
    const need = k.kty === 'RSA' ? (['n', 'e'] as const) : (['crv', 'x', 'y'] as const);
    let complete = true;
    for (const f of need) {
      if (k[f] !== undefined) continue;
      complete = false;
      ctx.addIssue({ code: 'custom', path: [f], message: `is required for a ${k.kty} key` });
    }
    if (!complete) return;
    try {
      createPublicKey({ key: k as JsonWebKey, format: 'jwk' });
    } catch {
      ctx.addIssue({ code: 'custom', path: [], message: 'is not a usable public key' });
    }
  });

const OKTA_SCOPE = /^okta\.[A-Za-z]+(\.[A-Za-z]+)*$/;

/** An OAuth 2.0 service app of the org authorization server (client_credentials with private_key_jwt). */
export const serviceAppSchema = z
  .object({
    clientId: z.string().regex(/^[A-Za-z0-9._~-]{3,100}$/, 'must be 3-100 of A-Z a-z 0-9 . _ ~ -'),
    name: z.string().min(1).max(100).optional(),
    jwks: z.object({ keys: z.array(publicJwkSchema).min(1).max(10) }).strict(),
    scopes: z.array(z.string().regex(OKTA_SCOPE, 'must be an Okta API scope such as okta.users.read')).max(100).default([]),
    dpopRequired: z.boolean().default(false),
  })
  .strict()
  .superRefine((a, ctx) => {
    const kids = new Set<string>();
    a.jwks.keys.forEach((k, i) => {
      if (kids.has(k.kid)) ctx.addIssue({ code: 'custom', path: ['jwks', 'keys', i, 'kid'], message: 'duplicates another key' });
      kids.add(k.kid);
    });
  });

export const passwordPolicySchema = z
  .object({
    minLength: z.number().int().min(1).max(256).default(8),
    requireLowercase: z.boolean().default(true),
    requireUppercase: z.boolean().default(true),
    requireNumber: z.boolean().default(true),
    requireSymbol: z.boolean().default(false),
    excludeUsername: z.boolean().default(true),
    historyCount: z.number().int().min(0).max(24).default(4),
    minAgeMinutes: z.number().int().min(0).max(100_000).default(0),
    lockoutAttempts: z.number().int().min(0).max(100).default(10),
  })
  .strict();

/**
 * An Okta group and its members (logins of seeded users). Every user is also in the built-in group Everyone, which
 * the emulator adds itself (a seed group may not take that name).
 */
export const seedGroupSchema = z
  .object({
    id: z.string().regex(/^00g[A-Za-z0-9]{17}$/, 'must be an Okta group id: 00g and 17 letters or digits').optional(),
    name: z.string().trim().min(1).max(255),
    description: z.string().max(1024).optional(),
    members: z.array(z.string().min(1)).max(10_000).default([]),
  })
  .strict();

export const PASSWORD_HASHINGS = ['scrypt', 'fast'] as const;
export type PasswordHashing = (typeof PASSWORD_HASHINGS)[number];

export const seedSchema = z
  .object({
    org: z.object({ name: z.string().min(1).max(100) }).strict().default({ name: 'Emulated Okta org' }),
    apiTokenOwner: z.string().min(1).optional(),
    passwordPolicy: passwordPolicySchema.default(passwordPolicySchema.parse({})),
    /** How passwords are stored: scrypt (default), or `fast` (salted SHA-256) for load tests only. */
    passwordHashing: z.enum(PASSWORD_HASHINGS).default('scrypt'),
    factorLockoutAttempts: z.number().int().min(1).max(100).default(5),
    /** Okta's org setting "Show lockout failures": off (Okta's default) hides LOCKED_OUT behind 401 E0000004 in authn. */
    showLockoutFailures: z.boolean().default(false),
    defaultRateLimit: z
      .object({ limit: z.number().int().min(1).max(1_000_000), windowSeconds: z.number().int().min(1).max(86_400) })
      .strict()
      .default({ limit: 600, windowSeconds: 60 }),
    rateLimits: z.array(rateLimitSchema).default([]),
    users: z.array(seedUserSchema).default([]),
    groups: z.array(seedGroupSchema).max(1000).default([]),
    oidcClients: z.array(oidcClientSchema).max(100).default([]),
    serviceApps: z.array(serviceAppSchema).max(100).default([]),
  })
  .strict()
  .superRefine((seed, ctx) => {
    const logins = new Map<string, number>();
    const ids = new Map<string, string>();
    seed.users.forEach((u, i) => {
      const key = u.login.toLowerCase();
      if (logins.has(key)) ctx.addIssue({ code: 'custom', path: ['users', i, 'login'], message: `duplicates users[${logins.get(key)}].login` });
      logins.set(key, i);
      if (u.id) {
        if (ids.has(u.id)) ctx.addIssue({ code: 'custom', path: ['users', i, 'id'], message: `duplicates ${ids.get(u.id)}` });
        ids.set(u.id, `users[${i}].id`);
      }
      u.factors.forEach((f, j) => {
        if (!f.id) return;
        if (ids.has(f.id)) ctx.addIssue({ code: 'custom', path: ['users', i, 'factors', j, 'id'], message: `duplicates ${ids.get(f.id)}` });
        ids.set(f.id, `users[${i}].factors[${j}].id`);
      });
    });
    const clientIds = new Map<string, number>();
    seed.oidcClients.forEach((c, i) => {
      const prev = clientIds.get(c.clientId);
      if (prev !== undefined) ctx.addIssue({ code: 'custom', path: ['oidcClients', i, 'clientId'], message: `duplicates oidcClients[${prev}].clientId` });
      clientIds.set(c.clientId, i);
    });
    const appIds = new Map<string, number>();
    seed.serviceApps.forEach((a, i) => {
      const prev = appIds.get(a.clientId);
      if (prev !== undefined) ctx.addIssue({ code: 'custom', path: ['serviceApps', i, 'clientId'], message: `duplicates serviceApps[${prev}].clientId` });
      appIds.set(a.clientId, i);
    });
    const groupNames = new Map<string, number>([['everyone', -1]]);
    seed.groups.forEach((g, i) => {
      const key = g.name.toLowerCase();
      const prev = groupNames.get(key);
      if (prev !== undefined) {
        const what = prev === -1 ? 'the built-in group Everyone' : `groups[${prev}].name`;
        ctx.addIssue({ code: 'custom', path: ['groups', i, 'name'], message: `duplicates ${what}` });
      }
      groupNames.set(key, i);
      if (g.id) {
        if (ids.has(g.id)) ctx.addIssue({ code: 'custom', path: ['groups', i, 'id'], message: `duplicates ${ids.get(g.id)}` });
        ids.set(g.id, `groups[${i}].id`);
      }
      g.members.forEach((m, j) => {
        if (!logins.has(m.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['groups', i, 'members', j], message: 'must be the login of a user in users' });
      });
    });
    if (seed.apiTokenOwner && !logins.has(seed.apiTokenOwner.toLowerCase())) {
      ctx.addIssue({ code: 'custom', path: ['apiTokenOwner'], message: 'must be the login of a user in users' });
    }
  });

/** What a caller may write (defaults optional). */
export type SeedOrg = z.input<typeof seedSchema>;
/** A validated seed with defaults filled in. */
export type ParsedSeed = z.output<typeof seedSchema>;
export type SeedUser = z.output<typeof seedUserSchema>;
export type SeedFactor = z.output<typeof seedFactorSchema>;
export type SeedGroup = z.output<typeof seedGroupSchema>;
export type PasswordPolicy = z.output<typeof passwordPolicySchema>;
export type RateLimitRule = z.output<typeof rateLimitSchema>;
export type OidcClientInput = z.input<typeof oidcClientSchema>;
export type OidcClient = z.output<typeof oidcClientSchema>;
export type ServiceApp = z.output<typeof serviceAppSchema>;
