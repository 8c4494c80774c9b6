/**
 * MemoryAuditLog: the audit log in process memory (STORE=memory: tests and development only).
 * Rules: as in types.ts; queries never return an event past the retention (injected Clock); as in the SQLite log,
 * expired events are deleted on append at most once a minute (every append used to scan the whole log: quadratic,
 * 40 % of the portal's CPU in a few minutes of load) and whenever prune() is called.
 */
import { randomUUID } from 'node:crypto';
import type { AuditEvent, Clock } from '../core/ports.js';
import { matches, queryLimit, type AuditLog, type AuditQuery, type StoredAuditEvent } from './types.js';

const PRUNE_EVERY_MS = 60_000;

export class MemoryAuditLog implements AuditLog {
  private events: StoredAuditEvent[] = [];
  private lastPrune = -Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly retentionMs: number,
  ) {}

  async append(event: AuditEvent): Promise<void> {
    if (this.clock.now() - this.lastPrune >= PRUNE_EVERY_MS) await this.prune();
    this.events.push({ ...structuredClone(event), id: randomUUID() });
  }

  async query(q: AuditQuery = {}): Promise<StoredAuditEvent[]> {
    const from = Math.max(q.since ?? 0, this.clock.now() - this.retentionMs);
    const hits = this.events.filter((e) => matches(e, q, from)).sort((a, b) => a.at - b.at);
    return structuredClone(hits.slice(-queryLimit(q)));
  }

  async prune(): Promise<number> {
    const now = this.clock.now();
    this.lastPrune = now;
    const cutoff = now - this.retentionMs;
    const before = this.events.length;
    this.events = this.events.filter((e) => e.at >= cutoff);
    return before - this.events.length;
  }
}
