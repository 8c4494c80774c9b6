/**
 * MemoryAuditLog: the audit log in process memory (STORE=memory: tests and development only).
 * Rules: as in types.ts; retention is applied on every append and query against the injected Clock.
 */
import { randomUUID } from 'node:crypto';
import type { AuditEvent, Clock } from '../core/ports.js';
import { matches, queryLimit, type AuditLog, type AuditQuery, type StoredAuditEvent } from './types.js';

export class MemoryAuditLog implements AuditLog {
  private events: StoredAuditEvent[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly retentionMs: number,
  ) {}

  async append(event: AuditEvent): Promise<void> {
    await this.prune();
    this.events.push({ ...structuredClone(event), id: randomUUID() });
  }

  async query(q: AuditQuery = {}): Promise<StoredAuditEvent[]> {
    const from = Math.max(q.since ?? 0, this.clock.now() - this.retentionMs);
    const hits = this.events.filter((e) => matches(e, q, from)).sort((a, b) => a.at - b.at);
    return structuredClone(hits.slice(-queryLimit(q)));
  }

  async prune(): Promise<number> {
    const cutoff = this.clock.now() - this.retentionMs;
    const before = this.events.length;
    this.events = this.events.filter((e) => e.at >= cutoff);
    return before - this.events.length;
  }
}
