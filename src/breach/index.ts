/**
 * The breached-password adapters (HIBP range API, local sorted file) behind the core's BreachedPasswords port,
 * chosen by BREACHED_PASSWORD_CHECK. Lookups never carry the password; the file is searched, never loaded.
 */
import type { BreachCheck, BreachResult } from '../core/index.js';
import { createFileChecker } from './file.js';
import { createHibpRangeChecker } from './hibp.js';

export { createHibpRangeChecker, findSuffix, sha1Hex, BreachLookupError } from './hibp.js';
export { createFileChecker, lookup, type FileChecker } from './file.js';

export interface BreachSettings {
  mode: 'off' | 'hibp' | 'file';
  apiUrl: string;
  file: string | null;
  timeoutMs: number;
  failOpen: boolean;
}

/** The core's check for these settings, or undefined when off. `close` releases the file handle. */
export function createBreachCheck(
  s: BreachSettings,
  opts: { userAgent: string; onResult?: (r: BreachResult) => void },
): { check: BreachCheck | undefined; close: () => Promise<void> } {
  if (s.mode === 'off') return { check: undefined, close: async () => undefined };
  const base = { failOpen: s.failOpen, ...(opts.onResult ? { onResult: opts.onResult } : {}) };
  if (s.mode === 'file' && s.file !== null) {
    const file = createFileChecker(s.file);
    return { check: { passwords: file, ...base }, close: () => file.close() };
  }
  const hibp = createHibpRangeChecker({ baseUrl: s.apiUrl, timeoutMs: s.timeoutMs, userAgent: opts.userAgent });
  return { check: { passwords: hibp, ...base }, close: async () => undefined };
}
