/**
 * The audit log: append-only storage of AuditEvents (core/ports.ts) with retention, and queries for operators.
 * Rules: events never carry a secret (the core guarantees it; nothing here adds one); an event older than the
 * retention period is never returned and is deleted automatically; query returns the most recent `limit`
 * matching events, oldest first. Logins match case-insensitively (Okta logins are), user ids exactly.
 */
import type { AuditEvent, AuditOutcome } from '../core/ports.js';

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

/**
 * Hourly counts of events (issue 16, item 2: insights), kept beside the events as they are appended so that reading
 * them costs the same at a thousand events as at a million: one row per hour and (action, outcome, method, tag).
 */
export interface AuditCount {
  /** Start of the hour (epoch ms, UTC). */
  hour: number;
  action: string;
  outcome: AuditOutcome;
  method: string | null;
  /** auditTag(event): a fixed word for the few details insights tell apart, '' otherwise. */
  tag: string;
  count: number;
}

export interface AuditCountQuery {
  /** Hours starting at or after this (epoch ms). */
  since: number;
  /** Hours starting before this (epoch ms). */
  until: number;
}

export interface AuditLog {
  append(event: AuditEvent): Promise<void>;
  query(q?: AuditQuery): Promise<StoredAuditEvent[]>;
  /** The hourly counts in [since, until), within the retention; no particular order. */
  counts(q: AuditCountQuery): Promise<AuditCount[]>;
  /** Deletes events older than the retention period now; returns how many (Redis: how many from the main index). */
  prune(): Promise<number>;
}

export const DEFAULT_QUERY_LIMIT = 100;
export const MAX_QUERY_LIMIT = 10_000;

export function queryLimit(q: AuditQuery): number {
  const n = q.limit ?? DEFAULT_QUERY_LIMIT;
  return Number.isInteger(n) && n > 0 ? Math.min(n, MAX_QUERY_LIMIT) : DEFAULT_QUERY_LIMIT;
}

export const HOUR_MS = 3_600_000;

export const hourOf = (at: number): number => Math.floor(at / HOUR_MS) * HOUR_MS;

/** The tags insights tell apart (from the event's secret-free detail); '' for every other event. */
export const AUDIT_TAGS = ['wrong-code', 'activated', 'push-approved', 'push-rejected', 'push-expired', 'circuit-open'] as const;
export type AuditTag = (typeof AUDIT_TAGS)[number] | '';

export function auditTag(e: Pick<AuditEvent, 'action' | 'detail'>): AuditTag {
  const d = e.detail ?? '';
  if (d === '') return '';
  if (d.includes('code=INVALID_CODE') || d.includes('code=TOO_MANY_ATTEMPTS')) return 'wrong-code';
  if (d.includes('circuit open')) return 'circuit-open';
  if (e.action === 'account.enrol' && d.includes('factor activated')) return 'activated';
  if (d.includes('push approved')) return 'push-approved';
  if (d.includes('push rejected')) return 'push-rejected';
  if (d.includes('push timed out') || d.includes('push expired')) return 'push-expired';
  return '';
}

/** The key of a count within its hour: action, outcome, method and tag (none of them holds a '|'). */
export function countField(e: Pick<AuditEvent, 'action' | 'outcome' | 'method' | 'detail'>): string {
  return `${e.action}|${e.outcome}|${e.method ?? ''}|${auditTag(e)}`;
}

export function fromCountField(hour: number, field: string, count: number): AuditCount | null {
  const [action, outcome, method, tag] = field.split('|');
  if (action === undefined || outcome === undefined || method === undefined || tag === undefined || !(count > 0)) return null;
  return { hour, action, outcome: outcome as AuditOutcome, method: method === '' ? null : method, tag, count };
}

export function matches(e: AuditEvent, q: AuditQuery, from: number): boolean {
  if (e.at < from) return false;
  if (q.login !== undefined && (e.login ?? '').toLowerCase() !== q.login.toLowerCase()) return false;
  if (q.userId !== undefined && e.userId !== q.userId) return false;
  return true;
}
