/**
 * Breached passwords through the Have I Been Pwned range API (or a self-hosted mirror of it).
 * Rules:
 * - k-anonymity: only the first 5 hex digits of the password's SHA-1 leave the process (GET {base}/range/{prefix});
 *   the suffix is compared here. `Add-Padding: true` asks for padded answers (fake suffixes with count 0, ignored),
 *   so the answer's size says nothing about the prefix.
 * - One request, no retry, bounded by `timeoutMs` and by the answer size (4 MiB); anything but a 200 with lines
 *   `SUFFIX:COUNT` is an error (the core applies fail-open/closed). Errors never carry the hash or the password.
 */
import { createHash } from 'node:crypto';
import type { BreachedPasswords } from '../core/ports.js';

export interface HibpOptions {
  /** Base URL without trailing slash, e.g. https://api.pwnedpasswords.com */
  baseUrl: string;
  timeoutMs: number;
  userAgent: string;
  /** Injectable for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

export class BreachLookupError extends Error {
  constructor(readonly detail: string) {
    super(`breached-password lookup failed: ${detail}`);
    this.name = 'BreachLookupError';
  }
}

export function sha1Hex(password: string): string {
  return createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
}

export function createHibpRangeChecker(opts: HibpOptions): BreachedPasswords {
  const doFetch = opts.fetch ?? fetch;
  const base = opts.baseUrl.replace(/\/+$/, '');
  return {
    async isBreached(password) {
      const hash = sha1Hex(password);
      const prefix = hash.slice(0, 5);
      const suffix = hash.slice(5);
      let res: Response;
      try {
        res = await doFetch(`${base}/range/${prefix}`, {
          headers: { 'add-padding': 'true', 'user-agent': opts.userAgent, accept: 'text/plain' },
          signal: AbortSignal.timeout(opts.timeoutMs),
          redirect: 'error',
        });
      } catch (e) {
        const name = e instanceof Error ? e.name : 'error';
        throw new BreachLookupError(name === 'TimeoutError' ? 'timeout' : 'unreachable');
      }
      if (res.status !== 200) {
        await res.body?.cancel().catch(() => undefined);
        throw new BreachLookupError(`status ${res.status}`);
      }
      const body = await readCapped(res);
      return findSuffix(body, suffix);
    },
  };
}

async function readCapped(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw new BreachLookupError('answer too large');
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof BreachLookupError) throw e;
    throw new BreachLookupError(e instanceof Error && e.name === 'TimeoutError' ? 'timeout' : 'answer cut short');
  }
  return Buffer.concat(chunks).toString('latin1');
}

/** True when `suffix` (35 upper-case hex digits) is listed with a count above 0 (padding lines have 0). */
export function findSuffix(body: string, suffix: string): boolean {
  let lines = 0;
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const m = /^([0-9A-Fa-f]{35}):(\d{1,12})$/.exec(line);
    if (!m) throw new BreachLookupError('malformed answer');
    lines++;
    if (m[1]!.toUpperCase() === suffix) return Number(m[2]) > 0;
  }
  if (lines === 0) throw new BreachLookupError('empty answer');
  return false;
}
