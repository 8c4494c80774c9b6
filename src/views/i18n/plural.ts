/**
 * Singular and plural in any catalogue's language: the form for `n` chosen by Intl.PluralRules (CLDR categories:
 * English and French one/other, Arabic zero/one/two/few/many/other, Japanese other only). A catalogue gives the
 * forms its language has; `other` is always required and used for a category it leaves out.
 * Rules objects are created once per language.
 */
const rules = new Map<string, Intl.PluralRules>();

export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

export function plural(lang: string, n: number, forms: PluralForms): string {
  let r = rules.get(lang);
  if (!r) {
    r = new Intl.PluralRules(lang);
    rules.set(lang, r);
  }
  return (forms[r.select(n)] ?? forms.other).replaceAll('{n}', new Intl.NumberFormat(lang).format(n));
}
