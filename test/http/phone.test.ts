/**
 * Phone numbers typed on "My security methods" (src/http/account/phone.ts): national formats by country, the
 * international forms, the reasons given for refused numbers, the country list and the preselected country.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { countryOptions, defaultCountry, parsePhone } from '../../src/http/account/phone.js';

describe('parsePhone', () => {
  test('national formats of the chosen country become E.164', async () => {
    assert.deepEqual(await parsePhone('415 555 0100', 'US'), { ok: true, e164: '+14155550100' });
    assert.deepEqual(await parsePhone('(415) 555-0100', 'US'), { ok: true, e164: '+14155550100' });
    assert.deepEqual(await parsePhone('06 12 34 56 78', 'FR'), { ok: true, e164: '+33612345678' });
    assert.deepEqual(await parsePhone('0151 23456789', 'DE'), { ok: true, e164: '+4915123456789' });
    assert.deepEqual(await parsePhone('090-1234-5678', 'JP'), { ok: true, e164: '+819012345678' });
  });

  test('+ or 00 first: international, whatever the country list says', async () => {
    assert.deepEqual(await parsePhone('+33 6 12 34 56 78', 'US'), { ok: true, e164: '+33612345678' });
    assert.deepEqual(await parsePhone('0033 6 12 34 56 78', undefined), { ok: true, e164: '+33612345678' });
  });

  test('refusals name their reason', async () => {
    assert.deepEqual(await parsePhone('   ', 'US'), { ok: false, problem: 'empty' });
    assert.deepEqual(await parsePhone('415 555', 'US'), { ok: false, problem: 'too-short' });
    assert.deepEqual(await parsePhone('415 555 0100 12345', 'US'), { ok: false, problem: 'too-long' });
    assert.deepEqual(await parsePhone('415 555 0100', undefined), { ok: false, problem: 'country' });
    assert.deepEqual(await parsePhone('415 555 0100', 'ZZ'), { ok: false, problem: 'country' });
    assert.deepEqual(await parsePhone('call me', 'US'), { ok: false, problem: 'invalid' });
    assert.deepEqual(await parsePhone('555 555 0100', 'US'), { ok: false, problem: 'invalid' });
  });

  test('property: any input gives E.164 or a reason, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), fc.option(fc.constantFrom('US', 'FR', 'DE', 'JP', 'SA', 'ZZ', 'us', ''), { nil: undefined }), async (raw, country) => {
        const r = await parsePhone(raw, country);
        if (r.ok) assert.match(r.e164, /^\+[1-9]\d{6,14}$/);
        else assert.ok(['empty', 'country', 'too-short', 'too-long', 'invalid'].includes(r.problem));
      }),
      { numRuns: 300 },
    );
  });
});

describe('country list and default', () => {
  test('named in the page language, sorted for it, with calling codes', async () => {
    const fr = await countryOptions('fr');
    const de = fr.find((c) => c.code === 'DE');
    assert.deepEqual(de, { code: 'DE', name: 'Allemagne', callingCode: '49' });
    const names = fr.map((c) => c.name);
    assert.deepEqual(names, [...names].sort(new Intl.Collator('fr').compare));
    assert.ok(fr.length > 200);
    assert.equal((await countryOptions('ja')).find((c) => c.code === 'JP')?.name, '日本');
  });

  test('the operator default, else the browser region, else the language country', () => {
    assert.equal(defaultCountry('fr-CA,fr;q=0.9', 'fr', 'DE'), 'DE');
    assert.equal(defaultCountry('fr-CA,fr;q=0.9', 'fr'), 'CA');
    assert.equal(defaultCountry('de, en;q=0.5', 'de'), 'DE');
    assert.equal(defaultCountry(undefined, 'ja'), 'JP');
    assert.equal(defaultCountry('es-419', 'es'), 'ES');
  });
});
