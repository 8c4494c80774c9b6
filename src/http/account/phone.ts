/**
 * Phone numbers typed by users for SMS / voice set-up, to E.164.
 * Rules: spaces, dashes, dots and parentheses are ignored ("+1 (415) 555-0100"); a leading 00 is read as +; the
 * result must be + then 7 to 15 digits with no leading 0 (ITU-T E.164). Anything else is refused: no guessing of a
 * country. Okta validates the number again (and the core maps its refusal to INVALID_PHONE_NUMBER).
 * Hand-written: a full numbering-plan library would be far heavier than this format check needs.
 */
const E164 = /^\+[1-9]\d{6,14}$/;

export function toE164(raw: string): string | null {
  let v = raw.trim().replace(/[\s\-.()\u2010-\u2015\u00a0]/g, '');
  if (v.startsWith('00')) v = `+${v.slice(2)}`;
  return E164.test(v) ? v : null;
}
