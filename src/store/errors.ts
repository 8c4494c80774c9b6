/**
 * StoreUnavailableError: a store operation could not be carried out (Redis down, SQLite file unwritable ...).
 * Rules: the message is safe for logs (names the backend and the reason, never a key's value, a password or a
 * URL with credentials); the original error is kept as `cause` for debugging. The HTTP layer may map this
 * error (name / `code` 'STORE_UNAVAILABLE') to a 503 answer.
 */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'StoreUnavailableError';
  }
}

export function isStoreUnavailable(e: unknown): e is StoreUnavailableError {
  return e instanceof StoreUnavailableError;
}

/** A short, secret-free label for an I/O error: its code (ECONNREFUSED, SQLITE_BUSY ...) or first message line. */
export function errorLabel(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code !== '') return code;
  return e instanceof Error ? (e.message.split('\n')[0] ?? '').slice(0, 120) : 'unknown error';
}

/** A short reason for a failed Redis command: `not connected`, `timed out`, or the error's code. */
export function redisReason(e: unknown): string {
  const msg = e instanceof Error ? e.message : '';
  if (msg.includes('enableOfflineQueue') || msg.includes('Connection is closed')) return 'not connected';
  if (msg.includes('Command timed out')) return 'timed out';
  return errorLabel(e);
}
