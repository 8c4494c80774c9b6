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
import { matches, queryLimit, type AuditLog, type AuditQuery, type StoredAuditEvent } from './types.js';

const PRUNE_EVERY_MS = 60_000;

export class MemoryAuditLog implements AuditLog {
  /** Event times, and at the same index each stored event's JSON. */
  private ats: number[] = [];
  private texts: string[] = [];
  private seq = 0;
  private lastPrune = -Infinity;

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
    if (removed > 0) {
      this.texts = keep.map((i) => this.texts[i]!);
      this.ats = keep.map((i) => this.ats[i]!);
    }
    return removed;
  }
}
