/**
 * The SMTP transport (nodemailer) behind the outbox. SMTP_URL gives server, port, TLS and credentials; every phase
 * (connection, greeting, socket idle) is bounded by SMTP_TIMEOUT_MS so a dead server never holds a send for long.
 * nodemailer is loaded on first use, so a portal without SMTP never loads it.
 */
import type { Transporter, TransportOptions } from 'nodemailer';
import type { MailTransport, OutgoingMail } from './outbox.js';

export interface SmtpOptions {
  url: string;
  from: string;
  timeoutMs: number;
}

export function createSmtpTransport(opts: SmtpOptions): MailTransport {
  let transporter: Promise<Transporter> | null = null;
  const get = () => {
    transporter ??= import('nodemailer').then((m) =>
      m.createTransport({
        url: opts.url,
        connectionTimeout: opts.timeoutMs,
        greetingTimeout: opts.timeoutMs,
        socketTimeout: opts.timeoutMs,
        // No tracking, no remote content: nothing for the transport to add either.
        disableFileAccess: true,
        disableUrlAccess: true,
      } as TransportOptions & { url: string }),
    );
    return transporter;
  };
  return {
    async send(mail: OutgoingMail) {
      const t = await get();
      await t.sendMail({ from: opts.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    },
    close() {
      void transporter?.then((t) => t.close()).catch(() => undefined);
    },
  };
}
