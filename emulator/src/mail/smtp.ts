// The emulator's SMTP listener: where the portal's notifications land in demo mode and in tests, so they show on the
// phone page's mailbox. Rules: a real SMTP server (smtp-server) on loopback by default, plain text (no STARTTLS, no
// AUTH: a local development tool), messages over 1 MB refused with 552; each message is parsed (mailparser) and kept
// in the org state's mailbox (newest MAILBOX_LIMIT), stamped with the emulator's (virtual) clock; a message that
// cannot be parsed is refused with 550 and nothing is kept. Received mail is never logged. Both libraries are loaded
// on first use (mailparser alone takes about 0.3 s to import, which every test starting an emulator would pay).
import type { simpleParser as SimpleParser } from 'mailparser';
import { base62 } from '../ids.js';
import type { ReceivedMail } from '../org/model.js';
import type { OrgState } from '../org/state.js';

export const MAILBOX_LIMIT = 200;
const MAX_MESSAGE_BYTES = 1024 * 1024;
const LINK_RE = /https?:\/\/[^\s<>"]+/g;

export interface RunningSmtp {
  /** smtp://host:port, for the portal's SMTP_URL. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the listener on `host:port` (port 0: any free port). */
let parser: Promise<typeof SimpleParser> | null = null;
const parse: typeof SimpleParser = ((input: Buffer) => {
  parser ??= import('mailparser').then((m) => m.simpleParser);
  return parser.then((p) => p(input));
}) as typeof SimpleParser;

export async function startSmtpListener(state: OrgState, opts: { host?: string; port?: number } = {}): Promise<RunningSmtp> {
  const { SMTPServer } = await import('smtp-server');
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    size: MAX_MESSAGE_BYTES,
    banner: 'Okta org emulator mailbox',
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      let tooBig = false;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_MESSAGE_BYTES) tooBig = true;
        else chunks.push(c);
      });
      stream.on('error', () => callback(new Error('message could not be read')));
      stream.on('end', () => {
        if (tooBig || (stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          const err = Object.assign(new Error('message too large'), { responseCode: 552 });
          callback(err);
          return;
        }
        parse(Buffer.concat(chunks))
          .then((parsed) => {
            const text = parsed.text ?? '';
            const mail: ReceivedMail = {
              id: 'mail' + base62(17),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: parsed.subject ?? '',
              text,
              html: typeof parsed.html === 'string' ? parsed.html : null,
              links: [...new Set(text.match(LINK_RE) ?? [])],
              receivedAt: new Date(state.clock.now()).toISOString(),
            };
            state.mailbox.push(mail);
            if (state.mailbox.length > MAILBOX_LIMIT) state.mailbox.splice(0, state.mailbox.length - MAILBOX_LIMIT);
            callback();
          })
          .catch(() => callback(Object.assign(new Error('message could not be parsed'), { responseCode: 550 })));
      });
    },
  });
  server.on('error', () => undefined); // a broken client connection must not take the emulator down
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.server.once('error', onError);
    server.listen(opts.port ?? 0, host, () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `smtp://${urlHost}:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
