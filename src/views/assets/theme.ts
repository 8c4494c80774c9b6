/**
 * The operator's accent colour as a small stylesheet (/assets/theme.<hash>.css), loaded after app.css so that its
 * custom properties win. No inline styles: the CSP stays style-src 'self'.
 * Rules (WCAG 2.1 AA, relative luminance and contrast ratio as defined there):
 * - --accent is the button and border colour: the operator's colour as given in light mode; in dark mode it is
 *   lightened until it has 4.5:1 against the dark card.
 * - --accent-fg, the text on a button, is white or near-black, whichever contrasts more with --accent.
 * - --accent-text (links, secondary buttons) is --accent darkened (light mode) or lightened (dark mode) until it
 *   reaches 4.5:1 against the page background, so any colour the operator picks stays readable.
 * Hand-written: ~30 lines of arithmetic; a colour library would be far larger than the need.
 */

type Rgb = readonly [number, number, number];

const LIGHT_BG: Rgb = [0xf5, 0xf6, 0xf8];
const DARK_CARD: Rgb = [0x1f, 0x23, 0x29];
const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [0x11, 0x14, 0x18];

export function parseHex(hex: string): Rgb {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error('accent colour must be #rrggbb');
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

function toHex(c: Rgb): string {
  return `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}

function luminance(c: Rgb): number {
  const [r, g, b] = c.map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function mix(c: Rgb, toward: Rgb, t: number): Rgb {
  return [0, 1, 2].map((i) => c[i]! + (toward[i]! - c[i]!) * t) as unknown as Rgb;
}

/** Moves `c` toward `toward` in 5 % steps until it has `ratio` against `bg`. */
function until(c: Rgb, toward: Rgb, bg: Rgb, ratio: number): Rgb {
  let out = c;
  for (let t = 0.05; contrast(out, bg) < ratio && t <= 1; t += 0.05) out = mix(c, toward, t);
  return out;
}

function fgFor(bg: Rgb): Rgb {
  return contrast(WHITE, bg) >= contrast(INK, bg) ? WHITE : INK;
}

export function themeCss(accentHex: string): string {
  const accent = parseHex(accentHex);
  const darkAccent = until(accent, WHITE, DARK_CARD, 4.5);
  const lightText = until(accent, [0, 0, 0], LIGHT_BG, 4.5);
  return `:root{--accent:${toHex(accent)};--accent-fg:${toHex(fgFor(accent))};--accent-text:${toHex(lightText)}}
@media (prefers-color-scheme:dark){:root{--accent:${toHex(darkAccent)};--accent-fg:${toHex(fgFor(darkAccent))};--accent-text:${toHex(darkAccent)}}}
`;
}
