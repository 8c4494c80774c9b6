/**
 * Branding values that need more than a pattern: the logo file and the password-requirement lines.
 * Rules:
 * - LOGO_FILE is read once at start; it must be a PNG, JPEG or SVG (recognised by its first bytes, never by its
 *   name) of at most 256 KiB. An SVG must not contain scripts, event handlers, foreign objects or external
 *   references (the portal also serves it with a sandboxing CSP; this check catches mistakes early).
 * - PASSWORD_REQUIREMENTS is a list of lines separated by `|` (commas are allowed inside a line).
 * Hand-written: the three signatures and the SVG sniff are a few lines; a file-type library would not recognise SVG.
 */
import type { Parsed } from './values.js';

export const LOGO_MAX_BYTES = 256 * 1024;

export interface Logo {
  contentType: 'image/png' | 'image/jpeg' | 'image/svg+xml';
  /** The file's bytes as base64 (a Buffer cannot live in the frozen Config). */
  base64: string;
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];

function startsWith(bytes: Uint8Array, sig: readonly number[]): boolean {
  return sig.every((b, i) => bytes[i] === b);
}

const SVG_FORBIDDEN = /<script|<foreignObject|\bon[a-z]+\s*=|javascript:|(?:xlink:)?href\s*=\s*["']?\s*(?:https?:|\/\/)|@import/i;

export function parseLogo(bytes: Uint8Array): Parsed<Logo> {
  if (bytes.length === 0) return { ok: false, message: 'the file is empty' };
  if (bytes.length > LOGO_MAX_BYTES) return { ok: false, message: `the file is larger than ${LOGO_MAX_BYTES / 1024} KiB` };
  const base64 = Buffer.from(bytes).toString('base64');
  if (startsWith(bytes, PNG)) return { ok: true, value: { contentType: 'image/png', base64 } };
  if (startsWith(bytes, JPEG)) return { ok: true, value: { contentType: 'image/jpeg', base64 } };
  const text = Buffer.from(bytes).toString('utf8').replace(/^\uFEFF/, '');
  const head = text.replace(/^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*(?:<!DOCTYPE[^>]*>\s*)?/i, '');
  if (/^<svg[\s>]/i.test(head)) {
    if (SVG_FORBIDDEN.test(text)) {
      return { ok: false, message: 'the SVG contains scripts, event handlers or external references; export a plain SVG' };
    }
    return { ok: true, value: { contentType: 'image/svg+xml', base64 } };
  }
  return { ok: false, message: 'must be a PNG, JPEG or SVG image' };
}

export const MAX_REQUIREMENT_LINES = 12;

export function parseRequirementLines(raw: string): Parsed<string[]> {
  const lines = raw
    .split(/\||\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0) return { ok: false, message: 'must list at least one requirement (lines separated by |)' };
  if (lines.length > MAX_REQUIREMENT_LINES) return { ok: false, message: `must list at most ${MAX_REQUIREMENT_LINES} lines` };
  // eslint-disable-next-line no-control-regex
  if (lines.some((l) => l.length > 200 || /[\x00-\x1f\x7f]/.test(l))) {
    return { ok: false, message: 'each line must be at most 200 characters with no control characters' };
  }
  return { ok: true, value: lines };
}
