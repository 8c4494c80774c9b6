// A tiny HTML tagged template that escapes every interpolated value by default.
//
// Rules:
// - `html\`...\`` returns a SafeHtml; only SafeHtml values (nested html`` results) pass through unescaped.
// - Strings and numbers are escaped for both text and double-quoted attribute contexts (& < > " ').
//   Attributes must therefore always be written with double quotes.
// - null, undefined and false render as nothing; arrays render each element by the same rules.
// Hand-written (about 30 lines) rather than a template engine: the phone page is small, and a
// default-escaping tag makes forgetting to escape a login or message text impossible.

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map((v: HtmlValue) => render(v)).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}
