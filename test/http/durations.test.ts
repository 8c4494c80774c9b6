/**
 * Issue 13, item 2: rate-limit waits are said in human units ("15 minutes", never "859 seconds"), rounded up, in
 * the page's language, with the right singular or plural.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration } from '../../src/views/i18n/duration.js';
import { CATALOGUES } from '../../src/views/i18n/index.js';

test('seconds under a minute, minutes rounded up, then hours and minutes', () => {
  assert.equal(formatDuration('en', 1), '1 second');
  assert.equal(formatDuration('en', 30), '30 seconds');
  assert.equal(formatDuration('en', 60), '1 minute');
  assert.equal(formatDuration('en', 61), '2 minutes');
  assert.equal(formatDuration('en', 859), '15 minutes');
  assert.equal(formatDuration('en', 3600), '1 hour');
  assert.equal(formatDuration('en', 3900), '1 hour and 5 minutes');
  assert.equal(formatDuration('en', 0.2), '1 second', 'never "0 seconds"');
});

test('every catalogue says the wait in its own words, never in raw seconds', () => {
  for (const t of Object.values(CATALOGUES)) {
    const text = t.common.retryAfter(859);
    assert.ok(!text.includes('859'), `${t.lang}: ${text}`);
    assert.ok(text.includes(formatDuration(t.lang, 859)), `${t.lang}: ${text}`);
  }
  assert.equal(CATALOGUES.fr.common.retryAfter(1), `Réessayez dans ${formatDuration('fr', 1)}.`);
  assert.match(formatDuration('fr', 120), /^2.minutes$/);
});
