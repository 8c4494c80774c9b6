/**
 * The offline corpus: a generated sorted `HASH:COUNT` file, searched by binary search with positioned reads. The
 * search finds the first, last and middle entries, handles CRLF and lower case, reads a small fraction of the file
 * (it is never loaded), and turns a malformed file into an error.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileChecker, lookup } from '../../src/breach/index.js';
import { sha1 } from './range-server.js';

const dir = mkdtempSync(join(tmpdir(), 'breach-file-'));
const N = 50_000;
const passwords = Array.from({ length: N }, (_, i) => `leaked-password-${i}`);
let lines: { hash: string; count: number; pw: string }[];
let lfPath: string;
let crlfPath: string;

before(() => {
  lines = passwords.map((pw, i) => ({ hash: sha1(pw), count: (i % 97) + 1, pw })).sort((a, b) => (a.hash < b.hash ? -1 : 1));
  lfPath = join(dir, 'lf.txt');
  crlfPath = join(dir, 'crlf.txt');
  writeFileSync(lfPath, lines.map((l) => `${l.hash}:${l.count}\n`).join(''));
  // CRLF, lower case, no final newline
  writeFileSync(crlfPath, lines.map((l) => `${l.hash.toLowerCase()}:${l.count}`).join('\r\n'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('breached-password file', () => {
  for (const which of ['lf', 'crlf'] as const) {
    test(`${which}: the first, last and sampled entries are found with their counts; others are not`, async () => {
      const fh = await open(which === 'lf' ? lfPath : crlfPath, 'r');
      try {
        const samples = [lines[0]!, lines[N - 1]!, lines[1]!, lines[N - 2]!, ...Array.from({ length: 40 }, (_, i) => lines[(i * 1237) % N]!)];
        for (const s of samples) assert.equal(await lookup(fh, s.hash), s.count, s.pw);
        for (const absent of ['not leaked 1', 'not leaked 2', '', 'zzz']) assert.equal(await lookup(fh, sha1(absent)), null, absent);
        assert.equal(await lookup(fh, '0'.repeat(40)), null, 'before the first line');
        assert.equal(await lookup(fh, 'F'.repeat(40)), null, 'after the last line');
      } finally {
        await fh.close();
      }
    });
  }

  test('a lookup reads a few kilobytes of a multi-megabyte file (never loads it)', async () => {
    const fh = await open(lfPath, 'r');
    let bytes = 0;
    let reads = 0;
    const counting = new Proxy(fh, {
      get(target, prop, receiver) {
        if (prop === 'read') {
          return async (buf: Buffer, off: number, len: number, pos: number) => {
            reads++;
            bytes += len;
            return target.read(buf, off, len, pos);
          };
        }
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    try {
      const size = (await fh.stat()).size;
      assert.ok(size > 2_000_000, `file is ${size} bytes`);
      assert.equal(await lookup(counting, lines[12345]!.hash), lines[12345]!.count);
      assert.ok(bytes < 20_000, `read ${bytes} bytes in ${reads} reads`);
    } finally {
      await fh.close();
    }
  });

  test('the checker answers by password and reuses one handle; a malformed file is an error', async () => {
    const c = createFileChecker(lfPath);
    assert.equal(await c.isBreached(lines[777]!.pw), true);
    assert.equal(await c.isBreached('a phrase that was never leaked'), false);
    await c.close();

    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'x'.repeat(10_000) + '\n');
    const b = createFileChecker(bad);
    await assert.rejects(b.isBreached('anything'), /malformed line|line too long/);
    await b.close();

    const missing = createFileChecker(join(dir, 'missing.txt'));
    await assert.rejects(missing.isBreached('anything'), /cannot open the file \(ENOENT\)/);
  });
});
