/**
 * The `html` tagged template: escaping by default.
 * Rules:
 * - Every interpolated value is HTML-escaped (& < > " ' `), so it is safe in text and in QUOTED attributes.
 * - Only a SafeHtml (the result of another `html` template, or of `trustedHtml` on a compile-time constant) is
 *   inserted as is; arrays are joined with each item following the same rules.
 * - null, undefined and false render as nothing (for `${cond && html`...`}`); numbers are stringified.
 * - Templates never put an interpolation in an unquoted attribute, a URL scheme position, a <script> or a style.
 * Hand-written: the whole helper is ~40 lines and a template engine would bring far more than we need.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (ch) => ESCAPES[ch] ?? ch);
}

const SAFE = Symbol('SafeHtml');

export interface SafeHtml {
  readonly [SAFE]: true;
  readonly value: string;
  toString(): string;
}

function safe(value: string): SafeHtml {
  return { [SAFE]: true, value, toString: () => value };
}

export function isSafeHtml(v: unknown): v is SafeHtml {
  return typeof v === 'object' && v !== null && (v as Partial<SafeHtml>)[SAFE] === true;
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return (v as readonly HtmlValue[]).map(render).join('');
  if (isSafeHtml(v)) return v.value;
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return safe(out);
}

/** Marks a compile-time constant as markup. Never pass anything that came from a request or the IdP. */
export function trustedHtml(constant: string): SafeHtml {
  return safe(constant);
}
