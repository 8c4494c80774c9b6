/**
 * The page languages and how one is chosen for a request.
 * Rules:
 * - Order of precedence: the `lang` cookie (set by the visible language switch) when it names a supported
 *   language, then the browser's Accept-Language, then the operator's default.
 * - Accept-Language matching is RFC 4647 "lookup" on the primary subtag: `fr-CA;q=0.8` picks `fr`; `*` and q=0 are
 *   ignored; ties keep the header's order. Hand-written (a dozen lines): the negotiators at hand compare whole
 *   values only and would not map fr-CA to fr.
 */
import type { Language } from '../../config/schema.js';
import { en, type Messages } from './en.js';
import { fr } from './fr.js';
import { de } from './de.js';
import { es } from './es.js';
import { ja } from './ja.js';
import { ar } from './ar.js';

export type { Messages } from './en.js';
export type { Language } from '../../config/schema.js';

export const CATALOGUES: Readonly<Record<Language, Messages>> = { en, fr, de, es, ja, ar };

export const LANGUAGE_CODES = Object.keys(CATALOGUES) as Language[];

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && Object.hasOwn(CATALOGUES, v);
}

/**
 * Answers for Accept-Language values seen recently: browsers send few distinct, short values, and parsing one costs
 * about 2 µs, as much as the rest of choosing a page. The header is the client's, so the map is bounded (entries and
 * key length) and cleared when full.
 */
const ACCEPT_CACHE_MAX = 256;
const ACCEPT_CACHE_KEY_MAX = 200;
const acceptCache = new Map<string, Language | null>();

/** The best supported language in an Accept-Language header, or null. */
export function fromAcceptLanguage(header: string | undefined): Language | null {
  if (!header) return null;
  if (header.length > ACCEPT_CACHE_KEY_MAX) return parseAcceptLanguage(header.slice(0, 1000));
  const known = acceptCache.get(header);
  if (known !== undefined) return known;
  const lang = parseAcceptLanguage(header);
  if (acceptCache.size >= ACCEPT_CACHE_MAX) acceptCache.clear();
  acceptCache.set(header, lang);
  return lang;
}

function parseAcceptLanguage(header: string): Language | null {
  const wanted = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined);
      return { primary: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((w) => w.q > 0 && w.primary !== '' && w.primary !== '*')
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return wanted.map((w) => w.primary).find(isLanguage) ?? null;
}

export function chooseLanguage(input: {
  cookie: string | undefined;
  acceptLanguage: string | undefined;
  fallback: Language;
}): Language {
  if (isLanguage(input.cookie)) return input.cookie;
  return fromAcceptLanguage(input.acceptLanguage) ?? input.fallback;
}
