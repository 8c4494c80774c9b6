/**
 * Metrics of the recovery situations of issue 14 (breached-password checks, "This wasn't me" reports, notification
 * deliveries), kept apart from metrics.ts and registered on the same per-instance registry.
 * Series:
 *   portal_breach_checks_total{result}        counter: clean, breached, unavailable
 * Labels come from closed lists; nothing personal or secret is a label.
 */
import { Counter, type Registry } from 'prom-client';
import type { BreachResult } from '../core/index.js';

export interface SituationMetrics {
  breachCheck(result: BreachResult): void;
}

export function createSituationMetrics(registry: Registry): SituationMetrics {
  const breachChecks = new Counter({
    name: 'portal_breach_checks_total',
    help: 'Breached-password checks of new passwords, by result (clean, breached, unavailable).',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  for (const result of ['clean', 'breached', 'unavailable'] as const satisfies readonly BreachResult[]) breachChecks.inc({ result }, 0);
  return {
    breachCheck(result) {
      breachChecks.inc({ result });
    },
  };
}
