/** docs/api.md documents every JSON API path of the signed-in areas (account, help desk, insights). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ACCOUNT_API } from '../../src/http/account/paths.js';
import { HELPDESK_API } from '../../src/http/helpdesk/paths.js';
import { INSIGHTS_API } from '../../src/http/insights/paths.js';

const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');

test('every account and help-desk API path is in docs/api.md', () => {
  const missing = [...Object.values(ACCOUNT_API), ...Object.values(HELPDESK_API), ...Object.values(INSIGHTS_API)].filter((p) => !doc.includes(`${p}\``) && !doc.includes(`${p}?`));
  assert.deepEqual(missing, []);
});
