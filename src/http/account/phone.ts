/**
 * Phone numbers typed by users for SMS / voice set-up: a country chosen from a list and the number in the national
 * format people know ("415 555 0100", "06 12 34 56 78"), or in international format (+ or 00 first, the country
 * list is then ignored), to E.164 for Okta.
 * Parsing is libphonenumber-js with its `min` metadata (numbering plans: lengths and leading digits, ~80 kB), loaded
 * on the first account page that needs it, not at start-up. A number it cannot accept gets a reason the page can
 * name (too short, too long, not a number for that country); Okta validates the number again (the core maps its
 * refusal to INVALID_PHONE_NUMBER).
 * The country list is every region the metadata knows, named in the page's language (Intl.DisplayNames), sorted for
 * that language, with its calling code; built once per language.
 */
import type * as PhoneLib from 'libphonenumber-js/min';
import type { CountryCode } from 'libphonenumber-js/min';

type Lib = typeof PhoneLib;
let lib: Promise<Lib> | null = null;
const load = (): Promise<Lib> => (lib ??= import('libphonenumber-js/min'));

export type PhoneProblem = 'empty' | 'country' | 'too-short' | 'too-long' | 'invalid';
export type PhoneResult = { ok: true; e164: string } | { ok: false; problem: PhoneProblem };

export interface CountryOption {
  code: string;
  name: string;
  callingCode: string;
}

const COUNTRY = /^[A-Z]{2}$/;

/** The E.164 form of `raw` read in `country` (ISO 3166-1 alpha-2), or why it is not a phone number. */
export async function parsePhone(raw: string, country: string | undefined): Promise<PhoneResult> {
  const text = raw.trim();
  if (text === '') return { ok: false, problem: 'empty' };
  if (!/^[\d\s\-.()+\u2010-\u2015\u00a0/]+$/.test(text)) return { ok: false, problem: 'invalid' };
  const m = await load();
  const international = text.startsWith('+') || text.startsWith('00');
  const value = text.startsWith('00') ? `+${text.slice(2)}` : text;
  let region: CountryCode | undefined;
  if (!international) {
    if (country === undefined || !COUNTRY.test(country) || !m.isSupportedCountry(country)) return { ok: false, problem: 'country' };
    region = country as CountryCode;
  }
  const length = m.validatePhoneNumberLength(value, region);
  if (length === 'TOO_SHORT' || length === 'NOT_A_NUMBER') return { ok: false, problem: 'too-short' };
  if (length === 'TOO_LONG') return { ok: false, problem: 'too-long' };
  if (length === 'INVALID_COUNTRY') return { ok: false, problem: international ? 'invalid' : 'country' };
  const parsed = m.parsePhoneNumberFromString(value, region);
  if (!parsed || !parsed.isValid()) return { ok: false, problem: 'invalid' };
  return { ok: true, e164: parsed.number };
}

const lists = new Map<string, Promise<CountryOption[]>>();

/** Every supported country for the select, in `lang`'s names and order. */
export function countryOptions(lang: string): Promise<CountryOption[]> {
  let list = lists.get(lang);
  if (!list) {
    list = load().then((m) => {
      let names: Intl.DisplayNames | null = null;
      try {
        names = new Intl.DisplayNames([lang], { type: 'region' });
      } catch {
        names = null;
      }
      const collator = new Intl.Collator(lang);
      return m
        .getCountries()
        .map((code) => ({ code, name: names?.of(code) ?? code, callingCode: m.getCountryCallingCode(code) }))
        .sort((a, b) => collator.compare(a.name, b.name));
    });
    lists.set(lang, list);
  }
  return list;
}

const LANGUAGE_COUNTRY: Readonly<Record<string, string>> = { en: 'US', fr: 'FR', de: 'DE', es: 'ES', ja: 'JP', ar: 'SA' };

/**
 * The country preselected for a new number: the operator's PHONE_DEFAULT_COUNTRY when set (a company's employees
 * mostly have its country's numbers, whatever their browser says), else the region of the browser's first
 * Accept-Language tag that has one ("fr-CA" → CA), else the page language's usual country.
 */
export function defaultCountry(acceptLanguage: string | undefined, lang: string, operatorDefault?: string): string {
  if (operatorDefault) return operatorDefault;
  const tags = (acceptLanguage ?? '').slice(0, 200).split(',');
  for (const t of tags) {
    const region = /^[a-z]{2,3}-([a-z]{2})\b/i.exec(t.trim())?.[1];
    if (region) return region.toUpperCase();
  }
  return operatorDefault ?? LANGUAGE_COUNTRY[lang] ?? 'US';
}
