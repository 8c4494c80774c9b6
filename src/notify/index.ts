/**
 * Notifications (issue 14, item 4): the Notifier port over the mail outbox. Each notice becomes a message to the
 * user's primary email (from the flow; no IdP call), in the request's language, with a fresh "This wasn't me" link
 * (src/core/report.ts) under PUBLIC_URL; `alert` writes to the security address. Both only queue (outbox.ts): the
 * flow that caused them never waits for SMTP. A notice without an address is skipped (and counted).
 */
import type { Notifier, SecurityNotice } from '../core/ports.js';
import type { ReportService, SecurityAlert } from '../core/report.js';
import { composeAlert, composeNotice, type ComposeOptions } from './compose.js';
import type { MailOutbox } from './outbox.js';

export { BACKOFF_MAX_MS, MAX_ATTEMPTS, MailOutbox, backoffMs, type MailTransport, type OutgoingMail, type OutboxEvent, type QueuedMail } from './outbox.js';
export { createSmtpTransport } from './smtp.js';
export { composeAlert, composeNotice } from './compose.js';

/** Where a report link points: PUBLIC_URL + this + the token. */
export const REPORT_PATH = '/report';

export interface MailNotifierOptions extends ComposeOptions {
  outbox: MailOutbox;
  /** Issues the "This wasn't me" links (null: messages carry no link). */
  reports: ReportService | null;
  publicUrl: string;
  securityAlertTo: string | null;
  onSkipped?: (notice: SecurityNotice) => void;
}

export interface MailNotifier {
  notifier: Notifier;
  /** The report service's alert hook: one message to SECURITY_ALERT_EMAIL (nothing when unset). */
  alert(alert: SecurityAlert): Promise<void>;
}

export function createMailNotifier(o: MailNotifierOptions): MailNotifier {
  return {
    notifier: {
      async notify(notice) {
        if (notice.email === null || notice.email === '') {
          o.onSkipped?.(notice);
          return;
        }
        const token = o.reports ? await o.reports.issue(notice) : null;
        const link = token === null ? null : `${o.publicUrl}${REPORT_PATH}/${token}`;
        await o.outbox.enqueue({ to: notice.email, ...composeNotice(notice, link, o) }, notice.kind);
      },
    },
    async alert(alert) {
      if (o.securityAlertTo === null) return;
      await o.outbox.enqueue({ to: o.securityAlertTo, ...composeAlert(alert, o) }, 'alert');
    },
  };
}
