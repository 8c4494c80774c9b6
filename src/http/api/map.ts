/**
 * RecoveryService results → JSON bodies. Each body is built field by field (an allow-list), so nothing the core
 * might add to a result leaks; times become ISO strings; states use snake_case (`code_sent`, `push_waiting`).
 */
import type { ChallengeResult, MethodOffer, StartResult, StatusResult, VerifiedResult } from '../../core/recovery/api.js';

export const iso = (ms: number): string => new Date(ms).toISOString();

function offer(m: MethodOffer): { method: string; hint?: string } {
  return m.hint === undefined ? { method: m.method } : { method: m.method, hint: m.hint };
}

export function startJson(r: StartResult) {
  return { methods: r.methods.map(offer), expiresAt: iso(r.expiresAt) };
}

export function challengeJson(r: ChallengeResult) {
  switch (r.kind) {
    case 'code-sent':
      return { status: 'code_sent', method: r.method, resendAfterSeconds: r.resendAfterSeconds } as const;
    case 'push-waiting':
      return { status: 'push_waiting', correctAnswer: r.correctAnswer, expiresAt: iso(r.expiresAt) } as const;
    case 'code-ready':
      return { status: 'code_ready', method: r.method } as const;
  }
}

export function verifiedJson(r: VerifiedResult) {
  return { status: 'verified', ott: r.ott, expiresAt: iso(r.expiresAt), ...unlockJson(r.unlockAvailable) } as const;
}

/** `unlockAvailable: true` only after verification of a locked-out user with self-service unlock on. */
function unlockJson(v: true | undefined): { unlockAvailable?: true } {
  return v === true ? { unlockAvailable: true } : {};
}

export function statusJson(r: StatusResult) {
  switch (r.state) {
    case 'started':
      return { status: 'started' } as const;
    case 'code-sent':
      return { status: 'code_sent', method: r.method, resendAfterSeconds: r.resendAfterSeconds } as const;
    case 'code-ready':
      return { status: 'code_ready', method: r.method } as const;
    case 'waiting':
      return { status: 'waiting', correctAnswer: r.correctAnswer, expiresAt: iso(r.expiresAt) } as const;
    case 'verified':
      return { status: 'verified', ott: r.ott, expiresAt: iso(r.expiresAt), ...unlockJson(r.unlockAvailable) } as const;
    case 'rejected':
      return { status: 'rejected' } as const;
    case 'expired':
      return { status: 'expired' } as const;
    case 'completed':
      return r.unlocked === true ? ({ status: 'completed', unlocked: true } as const) : ({ status: 'completed' } as const);
  }
}
