/**
 * The mail outbox: every message is written to the store before it is sent, sent in the background, and retried
 * with backoff when the SMTP server fails, so a down mail server never blocks, slows or fails the user's flow, and
 * a restart loses nothing.
 * Rules:
 * - A message lives under `mail:msg:<id>` (for at most MAX_AGE) and its id in the list `mail:outbox`. The list is
 *   updated under an in-process lock; a sender claims a message with the store's atomic `take`, so two instances
 *   never send the same message twice. Limitation: two instances updating the list at the same instant may drop
 *   an id from it (the message is then not retried after a failure); first sends are unaffected.
 * - Backoff after the n-th failure: min(BASE · 2^(n−1), MAX) (30 s, 1 min, 2 min … 1 h), on the injected clock; after
 *   MAX_ATTEMPTS failures, or once the message is older than MAX_AGE, it is dropped and reported.
 * - `drain()` sends what is due; `start()` runs it every interval (a real timer, unref'd) and `kick()` soon after a
 *   new message. Nothing here throws to the caller of `enqueue` but a store failure.
 */
import { KeyedMutex } from '../core/mutex.js';
import type { Clock, Random, Store } from '../core/ports.js';
import { randomToken } from '../core/crypto.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface QueuedMail extends OutgoingMail {
  id: string;
  /** What it is, for logs and metrics (the event kind or "alert"); never personal. */
  purpose: string;
  attempts: number;
  nextAt: number;
  createdAt: number;
}

/** Sends one message or throws (nodemailer over SMTP in production). */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export type OutboxEvent =
  | { kind: 'sent'; purpose: string; attempts: number }
  | { kind: 'retried'; purpose: string; attempts: number; error: string }
  | { kind: 'dropped'; purpose: string; attempts: number; error: string };

export const BACKOFF_BASE_MS = 30_000;
export const BACKOFF_MAX_MS = 3_600_000;
export const MAX_ATTEMPTS = 10;
export const MAX_AGE_MS = 2 * 24 * 3_600_000;
const LIST_KEY = 'mail:outbox';
const msgKey = (id: string): string => `mail:msg:${id}`;

export function backoffMs(failures: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1), BACKOFF_MAX_MS);
}

export interface OutboxOptions {
  store: Store;
  clock: Clock;
  random: Random;
  transport: MailTransport;
  onEvent?: (e: OutboxEvent) => void;
  /** How often start() drains (real time). */
  intervalMs?: number;
}

/** A short, safe description of a send failure (nodemailer errors carry codes; never the message content). */
function describe(err: unknown): string {
  const e = err as { code?: unknown; responseCode?: unknown };
  const parts = [typeof e.code === 'string' ? e.code : null, typeof e.responseCode === 'number' ? String(e.responseCode) : null].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : 'send failed';
}

export class MailOutbox {
  private readonly lock = new KeyedMutex();
  private timer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  /** A drain was asked for while one ran (it may have read the list before a new message): run again after it. */
  private again = false;

  constructor(private readonly o: OutboxOptions) {}

  /** Stores the message and asks for a send soon; resolves once it is stored. */
  async enqueue(mail: OutgoingMail, purpose: string): Promise<void> {
    const now = this.o.clock.now();
    const q: QueuedMail = { ...mail, id: randomToken(this.o.random, 12), purpose, attempts: 0, nextAt: now, createdAt: now };
    await this.o.store.set(msgKey(q.id), q, MAX_AGE_MS);
    await this.editList((ids) => [...ids, q.id]);
    this.kick();
  }

  /** Drains in the background now (never throws, never awaited by the caller). */
  kick(): void {
    void this.drain().catch(() => undefined);
  }

  /**
   * Sends every message that is due; one drain at a time per process. Asked while one runs, it runs once more after
   * it (the running one may have read the list before the newest message), and resolves when that one is done.
   */
  drain(): Promise<void> {
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    const run = async (): Promise<void> => {
      do {
        this.again = false;
        await this.drainOnce();
      } while (this.again);
    };
    this.draining = run().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), this.o.intervalMs ?? 15_000);
    this.timer.unref();
    this.kick(); // whatever a previous process left
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.draining?.catch(() => undefined);
    this.o.transport.close();
  }

  /** The ids waiting (tests and the operator's view). */
  async pending(): Promise<string[]> {
    return (await this.o.store.get<string[]>(LIST_KEY)) ?? [];
  }

  private async editList(edit: (ids: string[]) => string[]): Promise<void> {
    await this.lock.run(LIST_KEY, async () => {
      const ids = (await this.o.store.get<string[]>(LIST_KEY)) ?? [];
      await this.o.store.set(LIST_KEY, [...new Set(edit(ids))], MAX_AGE_MS);
    });
  }

  private async drainOnce(): Promise<void> {
    const ids = await this.pending();
    const done: string[] = [];
    for (const id of ids) {
      const key = msgKey(id);
      const peek = await this.o.store.get<QueuedMail>(key);
      if (!peek) {
        done.push(id); // sent or dropped by another instance, or past MAX_AGE
        continue;
      }
      if (peek.nextAt > this.o.clock.now()) continue;
      const q = await this.o.store.take<QueuedMail>(key); // claim it: exactly one sender
      if (!q) continue;
      try {
        await this.o.transport.send({ to: q.to, subject: q.subject, text: q.text, html: q.html });
        done.push(id);
        this.o.onEvent?.({ kind: 'sent', purpose: q.purpose, attempts: q.attempts + 1 });
      } catch (err) {
        const attempts = q.attempts + 1;
        const now = this.o.clock.now();
        const error = describe(err);
        if (attempts >= MAX_ATTEMPTS || now - q.createdAt >= MAX_AGE_MS) {
          done.push(id);
          this.o.onEvent?.({ kind: 'dropped', purpose: q.purpose, attempts, error });
        } else {
          const next: QueuedMail = { ...q, attempts, nextAt: now + backoffMs(attempts) };
          await this.o.store.set(key, next, Math.max(1, q.createdAt + MAX_AGE_MS - now));
          this.o.onEvent?.({ kind: 'retried', purpose: q.purpose, attempts, error });
        }
      }
    }
    if (done.length > 0) await this.editList((list) => list.filter((id) => !done.includes(id)));
  }
}
