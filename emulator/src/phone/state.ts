// What the emulated phone shows, read from the emulator's own JSON control API (/_emulator/...).
//
// Rules:
// - The phone page never reaches into the emulator's internals: it reads the same control API that a
//   test or the browser script uses, through app.inject (no socket, no auth: the control API has none).
// - Each section is loaded independently; a failing or malformed endpoint turns into that section's
//   `error` (shown on the page) instead of breaking the whole page.
// - Items that lack their key (id, transactionId, factorId) are dropped; other fields fall back to
//   empty values. Nothing here is trusted to be HTML-safe: the renderer escapes everything.
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';

/** Epoch milliseconds from an ISO string or a number (seconds if it looks like seconds), else null. */
export function toMillis(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  if (typeof value === 'string' && value !== '') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

const id = z.union([z.string().min(1), z.number()]).transform(String);
const text = z.union([z.string(), z.number()]).transform(String).catch('');
const optText = z.union([z.string(), z.number()]).transform(String).nullable().catch(null);
const time = z.unknown().transform(toMillis);

const MessageSchema = z.object({
  id,
  channel: text,
  to: text,
  text,
  code: optText,
  userId: text,
  login: text,
  factorId: text,
  sentAt: time,
});

const MailSchema = z.object({
  id,
  from: text,
  to: z.array(z.string()).catch([]),
  subject: text,
  text,
  // Only http(s) links become links; anything else is dropped (one by one, as the page script does).
  links: z.array(z.unknown()).catch([]).transform((l) => l.filter((x): x is string => typeof x === 'string' && /^https?:\/\//.test(x))),
  receivedAt: time,
});

const PushSchema = z.object({
  transactionId: id,
  userId: text,
  login: text,
  factorId: text,
  createdAt: time,
  expiresAt: time,
  numberChoices: z.array(z.number().int()).nullable().catch(null),
});

const AuthenticatorSchema = z.object({
  factorId: id,
  userId: text,
  login: text,
  provider: text,
  status: text,
  code: optText,
  secondsRemaining: z.number().nullable().catch(null),
});

const UserSchema = z.object({
  id,
  login: text,
  factors: z
    .array(z.object({ id: text, factorType: text, provider: text, status: text }).catch({ id: '', factorType: '', provider: '', status: '' }))
    .catch([]),
});

export type PhoneMessage = z.infer<typeof MessageSchema>;
export type PhoneMail = z.infer<typeof MailSchema>;
export type PhonePush = z.infer<typeof PushSchema>;
export type PhoneAuthenticator = z.infer<typeof AuthenticatorSchema>;
export interface PhoneActivation {
  factorId: string;
  userId: string;
  login: string;
}

export interface Section<T> {
  items: T[];
  /** A short, safe-to-show reason when the section could not be loaded. */
  error: string | null;
}

export interface PhoneState {
  /** Emulator time (virtual clock) in epoch ms; falls back to real time if the clock endpoint fails. */
  now: number;
  messages: Section<PhoneMessage>;
  /** The mailbox: email codes (the outbox's email messages) and, below them, the notifications received by SMTP. */
  mailCodes: Section<PhoneMessage>;
  mail: Section<PhoneMail>;
  pushes: Section<PhonePush>;
  authenticators: Section<PhoneAuthenticator>;
  activations: Section<PhoneActivation>;
}

type Fetched = { ok: true; body: unknown } | { ok: false; error: string };

async function getJson(app: FastifyInstance, url: string): Promise<Fetched> {
  try {
    const res = await app.inject({ method: 'GET', url, headers: { accept: 'application/json' } });
    if (res.statusCode !== 200) return { ok: false, error: `the control API answered HTTP ${res.statusCode}` };
    return { ok: true, body: JSON.parse(res.body) as unknown };
  } catch {
    return { ok: false, error: 'the control API gave no usable answer' };
  }
}

function listOf<T>(fetched: Fetched, key: string, schema: z.ZodType<T>): Section<T> {
  if (!fetched.ok) return { items: [], error: fetched.error };
  const body = fetched.body;
  const raw = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;
  if (!Array.isArray(raw)) return { items: [], error: `the control API answer has no "${key}" list` };
  const items: T[] = [];
  for (const entry of raw) {
    const parsed = schema.safeParse(entry);
    if (parsed.success) items.push(parsed.data);
  }
  return { items, error: null };
}

/** Newest first; equal or missing times keep the reverse of the API's (oldest-first) order. */
function newestFirst<T>(items: T[], timeOf: (item: T) => number | null): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => (timeOf(b.item) ?? 0) - (timeOf(a.item) ?? 0) || b.index - a.index)
    .map((e) => e.item);
}

function byLogin<T extends { login: string }>(keyOf: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => a.login.localeCompare(b.login) || keyOf(a).localeCompare(keyOf(b));
}

export async function loadPhoneState(app: FastifyInstance): Promise<PhoneState> {
  const [clock, outbox, push, auths, users, mailbox] = await Promise.all([
    getJson(app, '/_emulator/clock'),
    getJson(app, '/_emulator/outbox'),
    getJson(app, '/_emulator/push'),
    getJson(app, '/_emulator/authenticators'),
    getJson(app, '/_emulator/users'),
    getJson(app, '/_emulator/mail'),
  ]);

  const clockBody = clock.ok && clock.body !== null && typeof clock.body === 'object' ? clock.body : {};
  const now = toMillis((clockBody as Record<string, unknown>).now) ?? Date.now();

  const messages = listOf(outbox, 'messages', MessageSchema);
  messages.items = newestFirst(messages.items, (m) => m.sentAt);
  const mailCodes: Section<PhoneMessage> = { items: messages.items.filter((m) => m.channel === 'email'), error: messages.error };
  const mail = listOf(mailbox, 'mail', MailSchema);
  mail.items = newestFirst(mail.items, (m) => m.receivedAt);

  const pushes = listOf(push, 'pushes', PushSchema);
  pushes.items = newestFirst(pushes.items, (p) => p.createdAt);

  const authenticators = listOf(auths, 'authenticators', AuthenticatorSchema);
  authenticators.items.sort(byLogin((a) => a.factorId));

  const userList = listOf(users, 'users', UserSchema);
  const activations: Section<PhoneActivation> = { items: [], error: userList.error };
  for (const user of userList.items) {
    for (const factor of user.factors) {
      if (factor.id !== '' && factor.factorType === 'push' && factor.status === 'PENDING_ACTIVATION') {
        activations.items.push({ factorId: factor.id, userId: user.id, login: user.login });
      }
    }
  }
  activations.items.sort(byLogin((a) => a.factorId));

  return { now, messages, mailCodes, mail, pushes, authenticators, activations };
}
