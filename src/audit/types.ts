/**
 * The audit log: append-only storage of AuditEvents (core/ports.ts) with retention, and queries for operators.
 * Rules: events never carry a secret (the core guarantees it; nothing here adds one); an event older than the
 * retention period is never returned and is deleted automatically; query returns the most recent `limit`
 * matching events, oldest first. Logins match case-insensitively (Okta logins are), user ids exactly.
 */
import type { AuditEvent } from '../core/ports.js';

export interface StoredAuditEvent extends AuditEvent {
  /** Unique within the log (SQLite row id, or a random id for Redis and memory). */
  id: string;
}

export interface AuditQuery {
  login?: string;
  userId?: string;
  /** Only events with at >= since (epoch ms). */
  since?: number;
  /** At most this many (the most recent). Default 100, at most 10 000. */
  limit?: number;
}

export interface AuditLog {
  append(event: AuditEvent): Promise<void>;
  query(q?: AuditQuery): Promise<StoredAuditEvent[]>;
  /** Deletes events older than the retention period now; returns how many (Redis: how many from the main index). */
  prune(): Promise<number>;
}

export const DEFAULT_QUERY_LIMIT = 100;
export const MAX_QUERY_LIMIT = 10_000;

export function queryLimit(q: AuditQuery): number {
  const n = q.limit ?? DEFAULT_QUERY_LIMIT;
  return Number.isInteger(n) && n > 0 ? Math.min(n, MAX_QUERY_LIMIT) : DEFAULT_QUERY_LIMIT;
}

export function matches(e: AuditEvent, q: AuditQuery, from: number): boolean {
  if (e.at < from) return false;
  if (q.login !== undefined && (e.login ?? '').toLowerCase() !== q.login.toLowerCase()) return false;
  if (q.userId !== undefined && e.userId !== q.userId) return false;
  return true;
}
