/**
 * AccountIdentityProvider over Okta's Factors API and change_password (plain REST calls through client.ts).
 * Rules:
 * - Step-up calls (sendChallenge, verifyPasscode, startPush, pollPush) are the recovery adapter's own
 *   (identity-provider.ts): one behaviour for both.
 * - enrollFactor: sms / call with `updatePhone=true` (replaces a PENDING number; the core refuses to replace an
 *   ACTIVE factor) and Okta sends the first code; TOTP (GOOGLE / OKTA) returns Okta's shared secret and an
 *   otpauth:// key URI built with the `otpauth` library from Okta's answer (base32 secret, SHA-1, 6 digits, Okta's
 *   timeStep); push returns the activation QR image fetched server-side with the API credentials from
 *   `_embedded.activation._links.qrcode.href` (the only absolute URL ever requested) — only when that URL's origin is the configured orgUrl and its path is
 *   this user's factor's `/qr/` path (anything else is never fetched: the answer then has no QR), only a PNG of at
 *   most 256 KiB, returned as a data: URI.
 * - pollPushActivation: one GET of the factor: ACTIVE → active, activation factorResult TIMEOUT (or the factor
 *   gone) → expired, else waiting.
 * - changePassword: POST /credentials/change_password with strict=true (history, minimum age).
 * - Errors: errors.ts (account rules included). Nothing here logs or returns a password, code, secret or token.
 */
import { Secret, TOTP } from 'otpauth';
import { PortalError } from '../core/errors.js';
import type {
  AccountIdentityProvider,
  IdpFactorDetail,
  PendingEnrolment,
  PushActivation,
  RecoveryMethod,
} from '../core/ports.js';
import { createOktaRunner, seg, type OktaClientOptions } from './client.js';
import { OktaTransportError } from './http.js';
import { identityProviderOver } from './identity-provider.js';
import { epochMsOf, toIdpFactor } from './mappers.js';

export type OktaAccountIdentityProviderOptions = OktaClientOptions;

const MAX_FACTORS = 200;
const MAX_QR_BYTES = 256 * 1024;
const BASE32 = /^[A-Z2-7]+=*$/i;

const FACTOR_BODY: Record<RecoveryMethod, { factorType: string; provider: string }> = {
  sms: { factorType: 'sms', provider: 'OKTA' },
  call: { factorType: 'call', provider: 'OKTA' },
  email: { factorType: 'email', provider: 'OKTA' },
  push: { factorType: 'push', provider: 'OKTA' },
  'google-authenticator': { factorType: 'token:software:totp', provider: 'GOOGLE' },
  'okta-verify-code': { factorType: 'token:software:totp', provider: 'OKTA' },
};

function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** An Okta factor → IdpFactorDetail (null without an id). */
export function toIdpFactorDetail(factor: unknown): IdpFactorDetail | null {
  const base = toIdpFactor(factor);
  if (base === null) return null;
  const f = obj(factor);
  const out: IdpFactorDetail = { ...base, factorType: str(f.factorType) ?? 'unknown', provider: str(f.provider) ?? 'unknown' };
  const email = str(obj(f.profile).email);
  if (out.factorType === 'email' && email !== undefined) out.email = email;
  return out;
}

/** `_embedded.activation` of an enrolment answer. */
function activationOf(res: unknown): Record<string, unknown> {
  return obj(obj(obj(res)._embedded).activation);
}

/** The otpauth:// key URI for Okta's TOTP activation (hand-off to authenticator apps; built by `otpauth`). */
export function otpauthUriFor(activation: Record<string, unknown>, issuer: string, label: string): { secret: string; uri: string } {
  const secret = str(activation.sharedSecret)?.replace(/\s+/g, '');
  if (secret === undefined || secret.length < 16 || !BASE32.test(secret)) {
    throw new PortalError('IDP_UNAVAILABLE', { detail: 'okta enrollFactor: no usable sharedSecret' });
  }
  const step = activation.timeStep;
  const period = typeof step === 'number' && Number.isInteger(step) && step > 0 && step <= 300 ? step : 30;
  const totp = new TOTP({ issuer, label, secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period });
  return { secret, uri: totp.toString() };
}

/**
 * The QR link of a push enrolment, if it may be fetched: absolute, on the org's own origin, and exactly this
 * user's factor's `/qr/<token>` path. Anything else (another host, another user's path) is refused.
 */
export function acceptableQrHref(href: unknown, orgUrl: string, userId: string, factorId: string): string | null {
  if (typeof href !== 'string' || href.length > 2048) return null;
  let url: URL;
  let org: URL;
  try {
    url = new URL(href);
    org = new URL(orgUrl);
  } catch {
    return null;
  }
  if (url.origin !== org.origin || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return null;
  const prefix = `/api/v1/users/${encodeURIComponent(userId)}/factors/${encodeURIComponent(factorId)}/qr/`;
  if (!url.pathname.startsWith(prefix)) return null;
  const token = url.pathname.slice(prefix.length);
  return /^[A-Za-z0-9._~-]{1,512}$/.test(token) ? url.href : null;
}

export function createOktaAccountIdentityProvider(opts: OktaAccountIdentityProviderOptions): AccountIdentityProvider {
  const runner = createOktaRunner(opts);
  const base = identityProviderOver(runner);
  const { run, orgUrl } = runner;
  const factors = (userId: string): string => `/api/v1/users/${seg(userId)}/factors`;
  const factor = (userId: string, factorId: string): string => `${factors(userId)}/${seg(factorId)}`;

  async function fetchQr(href: string): Promise<string | null> {
    return run('fetchQrCode', async (c) => {
      let res;
      try {
        res = await c.send({ method: 'GET', path: href, accept: 'image/png', maxBytes: MAX_QR_BYTES });
      } catch (err) {
        if (err instanceof OktaTransportError && err.kind === 'too-large') return null; // no QR, the enrolment goes on
        throw err;
      }
      if (res.status !== 200) return null;
      const type = String(res.headers['content-type'] ?? '');
      if (!type.toLowerCase().startsWith('image/png') || res.body.length === 0) return null;
      return `data:image/png;base64,${res.body.toString('base64')}`;
    });
  }

  return {
    sendChallenge: (...args) => base.sendChallenge(...args),
    verifyPasscode: (...args) => base.verifyPasscode(...args),
    startPush: (...args) => base.startPush(...args),
    pollPush: (...args) => base.pollPush(...args),

    async getFactors(userId) {
      return run('listFactors', async (c) => {
        const list = await c.json('GET', factors(userId));
        const out: IdpFactorDetail[] = [];
        for (const f of Array.isArray(list) ? list : []) {
          const mapped = toIdpFactorDetail(f);
          if (mapped !== null) out.push(mapped);
          if (out.length >= MAX_FACTORS) break;
        }
        return out;
      });
    },

    async enrollFactor(userId, method, enrolOpts): Promise<PendingEnrolment> {
      // Email is a recovery method only (issue 14, item 2): "My security methods" does not enrol it.
      if (method === 'email') throw new PortalError('METHOD_NOT_AVAILABLE', { detail: 'email factors are not enrolled here' });
      const phone = method === 'sms' || method === 'call';
      if (phone && enrolOpts.phoneNumber === undefined) throw new PortalError('INVALID_PHONE_NUMBER', { detail: 'no number' });
      const body = { ...FACTOR_BODY[method], ...(phone ? { profile: { phoneNumber: enrolOpts.phoneNumber } } : {}) };
      const res: unknown = await run('enrollFactor', (c) =>
        c.json('POST', factors(userId), { body, ...(phone ? { query: { updatePhone: 'true' } } : {}) }),
      );
      const factorId = str(obj(res).id);
      if (factorId === undefined) throw new PortalError('IDP_UNAVAILABLE', { detail: 'okta enrollFactor: answer has no id' });
      if (method === 'sms' || method === 'call') {
        const number = str(obj(obj(res).profile).phoneNumber) ?? enrolOpts.phoneNumber ?? '';
        return { method, factorId, phoneNumber: number };
      }
      const activation = activationOf(res);
      if (method === 'push') {
        const href = acceptableQrHref(obj(obj(activation._links).qrcode).href, orgUrl, userId, factorId);
        return { method, factorId, qrDataUri: href === null ? null : await fetchQr(href), expiresAt: epochMsOf(activation.expiresAt) };
      }
      const { secret, uri } = otpauthUriFor(activation, enrolOpts.totpIssuer ?? 'Okta', enrolOpts.totpLabel ?? userId);
      return { method, factorId, sharedSecret: secret, otpauthUri: uri };
    },

    async activateFactor(userId, factorId, passCode) {
      const res = await run('activateFactor', (c) => c.json('POST', `${factor(userId, factorId)}/lifecycle/activate`, { body: { passCode } }));
      const activated = toIdpFactorDetail(res);
      if (activated === null || activated.status !== 'ACTIVE') {
        throw new PortalError('IDP_UNAVAILABLE', { detail: 'okta activateFactor: factor not ACTIVE afterwards' });
      }
      return activated;
    },

    async resendEnrollment(userId, factorId, method) {
      await run('resendEnrollment', (c) => c.json('POST', `${factor(userId, factorId)}/resend`, { body: { factorType: method } }));
    },

    async pollPushActivation(userId, factorId): Promise<PushActivation> {
      return run(
        'getFactor',
        async (c): Promise<PushActivation> => {
          const f: unknown = await c.json('GET', factor(userId, factorId));
          if (str(obj(f).status) === 'ACTIVE') return 'active';
          // Okta's own verdict; the core caps the wait with its enrolment lifetime (no clock comparison here).
          return activationOf(f).factorResult === 'TIMEOUT' ? 'expired' : 'waiting';
        },
        { ifNotFound: (): PushActivation => 'expired' },
      );
    },

    async unenrollFactor(userId, factorId) {
      await run('unenrollFactor', (c) => c.json('DELETE', factor(userId, factorId)));
    },

    async changePassword(userId, oldPassword, newPassword) {
      await run('changePassword', (c) =>
        c.json('POST', `/api/v1/users/${seg(userId)}/credentials/change_password`, {
          query: { strict: 'true' },
          body: { oldPassword: { value: oldPassword }, newPassword: { value: newPassword } },
        }),
      );
    },
  };
}
