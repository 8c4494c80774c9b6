/** docs/errors.md documents every error code with its HTTP status, and nothing that no longer exists. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_CODES, type ErrorCode } from '../../src/core/errors.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const rows = new Map<string, number>();
for (const m of doc.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm)) rows.set(m[1]!, Number(m[2]));

test('every code in ERROR_CODES has a row with its status', () => {
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    assert.ok(rows.has(code), `docs/errors.md is missing ${code}`);
    assert.equal(rows.get(code), ERROR_CODES[code].status, `status of ${code}`);
  }
});

test('the doc lists no code that does not exist', () => {
  for (const code of rows.keys()) assert.ok(code in ERROR_CODES, `docs/errors.md lists unknown code ${code}`);
});
