/**
 * Metrics of the recovery situations of issue 14 (breached-password checks, "This wasn't me" reports, notification
 * deliveries), kept apart from metrics.ts and registered on the same per-instance registry.
 * Series:
 *   portal_breach_checks_total{result}        counter: clean, breached, unavailable
 *   portal_reports_total{outcome}             counter: "This wasn't me" links followed (confirmed, refused)
 *   portal_notifications_total{result}        counter: notification mails sent, retried (a send failed, queued
 *                                             again), dropped (gave up), skipped (no address)
 * Labels come from closed lists; nothing personal or secret is a label.
 */
import { Counter, type Registry } from 'prom-client';
import type { BreachResult } from '../core/index.js';

export interface SituationMetrics {
  breachCheck(result: BreachResult): void;
  report(outcome: 'confirmed' | 'refused'): void;
  notification(result: 'sent' | 'retried' | 'dropped' | 'skipped'): void;
}

export function createSituationMetrics(registry: Registry): SituationMetrics {
  const breachChecks = new Counter({
    name: 'portal_breach_checks_total',
    help: 'Breached-password checks of new passwords, by result (clean, breached, unavailable).',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  for (const result of ['clean', 'breached', 'unavailable'] as const satisfies readonly BreachResult[]) breachChecks.inc({ result }, 0);
  const reports = new Counter({
    name: 'portal_reports_total',
    help: '"This wasn\'t me" links followed, by outcome (confirmed: sessions ended and the security team alerted; refused: tampered, expired or used link).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const notifications = new Counter({
    name: 'portal_notifications_total',
    help: 'Notification mails, by result (sent, retried after a failed send, dropped after the last retry, skipped for want of an address).',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  for (const outcome of ['confirmed', 'refused']) reports.inc({ outcome }, 0);
  for (const result of ['sent', 'retried', 'dropped', 'skipped']) notifications.inc({ result }, 0);
  return {
    breachCheck(result) {
      breachChecks.inc({ result });
    },
    report(outcome) {
      reports.inc({ outcome });
    },
    notification(result) {
      notifications.inc({ result });
    },
  };
}
