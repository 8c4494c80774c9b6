/**
 * MemoryAuditLog: the audit log in process memory (STORE=memory: tests and development only).
 * Rules: as in types.ts; queries never return an event past the retention (injected Clock); as in the SQLite log,
 * expired events are deleted on append at most once a minute (every append used to scan the whole log: quadratic,
 * 40 % of the portal's CPU in a few minutes of load) and whenever prune() is called.
 * Each event is kept as its JSON text beside its time, and ids are a sequence (unique within the log): an event
 * object with a random UUID, deep-copied, held about 1.2 KB of heap for the whole retention; its text holds about
 * 250 bytes, one string the garbage collector does not have to trace. Queries parse the matching events (rare).
 */
import type { AuditEvent, Clock } from '../core/ports.js';
import {
  countField,
  fromCountField,
  hourOf,
  matches,
  queryLimit,
  type AuditCount,
  type AuditCountQuery,
  type AuditLog,
  type AuditQuery,
  type StoredAuditEvent,
} from './types.js';

const PRUNE_EVERY_MS = 60_000;

export class MemoryAuditLog implements AuditLog {
  /** Event times, and at the same index each stored event's JSON. */
  private ats: number[] = [];
  private texts: string[] = [];
  private seq = 0;
  private lastPrune = -Infinity;
  /** Hour start → count field → count (types.ts). */
  private readonly hours = new Map<number, Map<string, number>>();

  constructor(
    private readonly clock: Clock,
    private readonly retentionMs: number,
  ) {}

  async append(event: AuditEvent): Promise<void> {
    if (this.clock.now() - this.lastPrune >= PRUNE_EVERY_MS) await this.prune();
    const stored: StoredAuditEvent = {
      at: event.at,
      action: event.action,
      outcome: event.outcome,
      login: event.login,
      userId: event.userId,
      method: event.method,
      ip: event.ip,
      requestId: event.requestId,
      ...(event.detail === undefined ? {} : { detail: event.detail }),
      id: String(++this.seq),
    };
    this.texts.push(JSON.stringify(stored));
    this.ats.push(event.at);
    const hour = hourOf(event.at);
    let fields = this.hours.get(hour);
    if (!fields) this.hours.set(hour, (fields = new Map()));
    const field = countField(event);
    fields.set(field, (fields.get(field) ?? 0) + 1);
  }

  async counts(q: AuditCountQuery): Promise<AuditCount[]> {
    const from = Math.max(q.since, hourOf(this.clock.now() - this.retentionMs));
    const out: AuditCount[] = [];
    for (const [hour, fields] of this.hours) {
      if (hour < from || hour >= q.until) continue;
      for (const [field, n] of fields) {
        const c = fromCountField(hour, field, n);
        if (c) out.push(c);
      }
    }
    return out;
  }

  async query(q: AuditQuery = {}): Promise<StoredAuditEvent[]> {
    const from = Math.max(q.since ?? 0, this.clock.now() - this.retentionMs);
    const hits: StoredAuditEvent[] = [];
    for (let i = 0; i < this.ats.length; i++) {
      if (this.ats[i]! < from) continue;
      const e = JSON.parse(this.texts[i]!) as StoredAuditEvent;
      if (matches(e, q, from)) hits.push(e);
    }
    hits.sort((a, b) => a.at - b.at);
    return hits.slice(-queryLimit(q));
  }

  async prune(): Promise<number> {
    const now = this.clock.now();
    this.lastPrune = now;
    const cutoff = now - this.retentionMs;
    const keep = this.ats.flatMap((at, i) => (at >= cutoff ? [i] : []));
    const removed = this.ats.length - keep.length;
    for (const hour of this.hours.keys()) if (hour < hourOf(cutoff)) this.hours.delete(hour);
    if (removed > 0) {
      this.texts = keep.map((i) => this.texts[i]!);
      this.ats = keep.map((i) => this.ats[i]!);
    }
    return removed;
  }
}
