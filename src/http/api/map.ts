/**
 * RecoveryService results → JSON bodies. Each body is built field by field (an allow-list), so nothing the core
 * might add to a result leaks; times become ISO strings; states use snake_case (`code_sent`, `push_waiting`).
 */
import {
  isFactorVerified,
  type ChallengeResult,
  type MethodOffer,
  type Progress,
  type StartResult,
  type StatusResult,
  type VerifyResult,
} from '../../core/recovery/api.js';

export const iso = (ms: number): string => new Date(ms).toISOString();

function offer(m: MethodOffer): { method: string; hint?: string } {
  return m.hint === undefined ? { method: m.method } : { method: m.method, hint: m.hint };
}

/** `progress: { step, steps }` of a two-method flow (policies by group), when the core gives it. */
function progressJson(p: Progress | undefined): { progress?: { step: number; steps: number } } {
  return p === undefined ? {} : { progress: { step: p.step, steps: p.steps } };
}

export function startJson(r: StartResult) {
  return { methods: r.methods.map(offer), expiresAt: iso(r.expiresAt), ...progressJson(r.progress) };
}

export function challengeJson(r: ChallengeResult) {
  const progress = progressJson(r.progress);
  switch (r.kind) {
    case 'code-sent':
      return { status: 'code_sent', method: r.method, resendAfterSeconds: r.resendAfterSeconds, ...progress } as const;
    case 'push-waiting':
      return { status: 'push_waiting', correctAnswer: r.correctAnswer, expiresAt: iso(r.expiresAt), ...progress } as const;
    case 'code-ready':
      return { status: 'code_ready', method: r.method, ...progress } as const;
  }
}

export function verifiedJson(r: VerifyResult) {
  if (isFactorVerified(r)) return { status: 'factor_verified', methods: r.methods.map(offer), ...progressJson(r.progress) } as const;
  return { status: 'verified', ott: r.ott, expiresAt: iso(r.expiresAt), ...unlockJson(r.unlockAvailable) } as const;
}

/** `unlockAvailable: true` only after verification of a locked-out user with self-service unlock on. */
function unlockJson(v: true | undefined): { unlockAvailable?: true } {
  return v === true ? { unlockAvailable: true } : {};
}

export function statusJson(r: StatusResult) {
  switch (r.state) {
    case 'started':
      return { status: 'started', ...progressJson(r.progress) } as const;
    case 'code-sent':
      return { status: 'code_sent', method: r.method, resendAfterSeconds: r.resendAfterSeconds, ...progressJson(r.progress) } as const;
    case 'code-ready':
      return { status: 'code_ready', method: r.method, ...progressJson(r.progress) } as const;
    case 'waiting':
      return { status: 'waiting', correctAnswer: r.correctAnswer, expiresAt: iso(r.expiresAt), ...progressJson(r.progress) } as const;
    case 'factor-verified':
      return { status: 'factor_verified', methods: r.methods.map(offer), ...progressJson(r.progress) } as const;
    case 'verified':
      return { status: 'verified', ott: r.ott, expiresAt: iso(r.expiresAt), ...unlockJson(r.unlockAvailable) } as const;
    case 'rejected':
      return { status: 'rejected', ...progressJson(r.progress) } as const;
    case 'expired':
      return { status: 'expired', ...progressJson(r.progress) } as const;
    case 'completed':
      return r.unlocked === true ? ({ status: 'completed', unlocked: true } as const) : ({ status: 'completed' } as const);
  }
}
