/**
 * Breached passwords from a local file in the Pwned Passwords download format: one `SHA1:COUNT` line per hash
 * (40 hex digits, upper or lower case, LF or CRLF), sorted by hash, as the official downloader writes it
 * ("ordered by hash"). The file is tens of gigabytes: it is never loaded; each lookup is a binary search over byte
 * offsets with positioned reads (about 40 reads of 256 bytes for the full corpus), through one file handle opened
 * lazily and kept open.
 * Rules: a line that is not `HASH:COUNT` where the search lands is an error (the core applies fail-open/closed);
 * a count of 0 does not count as breached. Nothing read or thrown carries the password or its hash.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { BreachedPasswords } from '../core/ports.js';
import { BreachLookupError, sha1Hex } from './hibp.js';

/** Longer than any line (40 + 1 + up to 12 digits + CRLF), so one read holds a line boundary and the next line. */
const WINDOW = 256;
/** Below this many bytes the rest of the range is read in one go and scanned. */
const SCAN = 4096;

interface Line {
  hash: string;
  count: number;
  /** Offset just past the line's newline. */
  end: number;
}

export interface FileChecker extends BreachedPasswords {
  close(): Promise<void>;
}

export function createFileChecker(path: string): FileChecker {
  let handle: Promise<FileHandle> | null = null;
  const fh = (): Promise<FileHandle> => {
    handle ??= open(path, 'r').catch((e: unknown) => {
      handle = null;
      throw new BreachLookupError(`cannot open the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    });
    return handle;
  };
  return {
    async isBreached(password) {
      const f = await fh();
      const count = await lookup(f, sha1Hex(password));
      return count !== null && count > 0;
    },
    async close() {
      const h = handle;
      handle = null;
      if (h) await (await h.catch(() => null))?.close();
    },
  };
}

async function read(f: FileHandle, at: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await f.read(buf, 0, length, at);
  return buf.subarray(0, bytesRead);
}

function parse(text: string): { hash: string; count: number } {
  const m = /^([0-9A-Fa-f]{40}):(\d{1,12})\r?$/.exec(text);
  if (!m) throw new BreachLookupError('malformed line in the file');
  return { hash: m[1]!.toUpperCase(), count: Number(m[2]) };
}

/** The first line starting at or after `pos` (0 is a line start; elsewhere skip to after the next newline). */
async function lineFrom(f: FileHandle, pos: number): Promise<Line | null> {
  const from = pos === 0 ? 0 : pos - 1;
  const buf = await read(f, from, WINDOW * 2);
  let start = 0;
  if (pos !== 0) {
    const nl = buf.indexOf(0x0a);
    if (nl === -1) return null;
    start = nl + 1;
  }
  if (start >= buf.length) return null;
  let nl = buf.indexOf(0x0a, start);
  if (nl === -1) {
    if (buf.length === WINDOW * 2) throw new BreachLookupError('line too long in the file');
    nl = buf.length; // the last line, without a final newline
  }
  const text = buf.subarray(start, nl).toString('latin1');
  if (text.trim() === '') return null;
  return { ...parse(text), end: from + nl + 1 };
}

/** The count listed for `target` (40 upper-case hex digits), or null. */
export async function lookup(f: FileHandle, target: string): Promise<number | null> {
  const size = (await f.stat()).size;
  // Invariant: if target's line exists it starts in [lo, hi), and lo is a line start.
  let lo = 0;
  let hi = size;
  while (hi - lo > SCAN) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const line = await lineFrom(f, mid);
    // No line starts in [mid, line start), so a target before `line` starts before mid.
    if (line === null || line.hash > target) hi = mid;
    else if (line.hash === target) return line.count;
    else lo = line.end;
  }
  const buf = await read(f, lo, hi - lo + WINDOW);
  let at = 0;
  while (at < buf.length && lo + at < hi) {
    let nl = buf.indexOf(0x0a, at);
    if (nl === -1) nl = buf.length;
    const text = buf.subarray(at, nl).toString('latin1');
    if (text.trim() !== '') {
      const line = parse(text);
      if (line.hash === target) return line.count;
      if (line.hash > target) return null;
    }
    at = nl + 1;
  }
  return null;
}
