/**
 * toRecoveryPolicy: the recovery core's view of the validated configuration.
 * Rules: returns a fresh, mutable copy (the Config itself is frozen); adds no defaults of its own.
 */
import type { RecoveryPolicy } from '../core/recovery/policy.js';
import type { Config } from './load.js';

export function toRecoveryPolicy(config: Config): RecoveryPolicy {
  const r = config.recovery;
  const copy = (w: { max: number; windowSeconds: number }) => ({ max: w.max, windowSeconds: w.windowSeconds });
  return {
    methods: [...r.methods],
    showEnrolledMethods: r.showEnrolledMethods,
    allowLockedOut: r.allowLockedOut,
    selfServiceUnlock: r.selfServiceUnlock,
    groupRules: r.groupRules.map((g) => ({ ...g, groups: [...g.groups], methods: [...g.methods] })),
    flowTtlSeconds: r.flowTtlSeconds,
    ottTtlSeconds: r.ottTtlSeconds,
    resendCooldownSeconds: r.resendCooldownSeconds,
    pushPollIntervalSeconds: r.pushPollIntervalSeconds,
    maxWrongCodesPerFlow: r.maxWrongCodesPerFlow,
    factorLockout: { threshold: r.factorLockout.threshold, windowSeconds: r.factorLockout.windowSeconds },
    limits: {
      perLogin: copy(r.limits.perLogin),
      perIp: copy(r.limits.perIp),
      perDestination: copy(r.limits.perDestination),
      globalSends: copy(r.limits.globalSends),
      pushPerUser: copy(r.limits.pushPerUser),
    },
  };
}
