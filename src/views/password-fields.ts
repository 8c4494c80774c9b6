/**
 * Pieces of a new-password form shared by the pages that set one (the recovery's password page; the account's
 * change-password page may use them too).
 * - The rules: with known rules (Okta's password policy, or Okta's default policy when the operator wrote no
 *   PASSWORD_REQUIREMENTS) a checklist whose lines /assets/password.js ticks as the user types (data-rule, data-min,
 *   and the username's parts in data-parts); with the operator's lines, those lines as written (nothing to check).
 *   Without JavaScript the checklist is a plain list. Lines broken by a refused password are marked from the start.
 * - The reasons a password was refused: one catalogue sentence each (never Okta's English), the field's error.
 * - A Show/Hide toggle per field, rendered hidden and revealed by the script (never shown where it cannot work).
 */
import { activeRules, usernameParts, type PasswordReason, type PasswordRules, type RuleId } from '../core/password-rules.js';
import { html, type SafeHtml } from './html.js';
import type { ViewContext } from './layout.js';

export interface RulesSource {
  /** The rules the portal knows, or null. */
  rules: PasswordRules | null;
  /** The operator's PASSWORD_REQUIREMENTS lines (shown as written when there are no known rules). */
  lines?: readonly string[] | undefined;
  /** The login, for "no part of your username". */
  login?: string | undefined;
  /** Rules a refused password broke (marked as not met). */
  broken?: readonly PasswordReason[] | undefined;
}

function ruleText(ctx: ViewContext, rules: PasswordRules, id: RuleId): string {
  const r = ctx.t.password.rules;
  return id === 'length' ? r.length(rules.minLength) : r[id];
}

/** The requirements block (id="password-requirements"), for the field's aria-describedby. */
export function requirementsBlock(ctx: ViewContext, src: RulesSource): SafeHtml {
  const t = ctx.t.password;
  const lines = src.lines && src.lines.length > 0 ? src.lines : null;
  const rules = src.rules;
  if (rules === null && lines !== null) {
    return html`<div class="requirements" id="password-requirements"><p>${t.requirementsHeading}</p>
<ul>${lines.map((l) => html`<li>${l}</li>`)}</ul>
<p class="hint">${t.passphrase}</p></div>`;
  }
  const known = rules ?? null;
  if (known === null) return html``;
  const parts = src.login !== undefined ? usernameParts(src.login).join(' ') : '';
  const broken = new Set(src.broken ?? []);
  const items = activeRules(known)
    .filter((id) => id !== 'username' || parts !== '' || src.login === undefined)
    .map((id) => {
      const data = id === 'length' ? html` data-min="${known.minLength}"` : id === 'username' ? html` data-parts="${parts}"` : '';
      const state = broken.has(id) ? html` class="unmet"` : '';
      return html`<li data-rule="${id}"${data}${state}>${ruleText(ctx, known, id)}<span class="rule-state vh"></span></li>`;
    });
  const history = known.historyCount > 0 ? html`<li>${t.rules.history(known.historyCount)}</li>` : '';
  return html`<div class="requirements" id="password-requirements"><p>${t.requirementsHeading}</p>
<ul class="rules" data-live-rules data-text-met="${t.ruleMet}" data-text-unmet="${t.ruleUnmet}">${items}${history}</ul>
<p class="hint">${t.passphrase}</p></div>`;
}

/** The sentences for the reasons a password was refused, each once. */
export function reasonTexts(ctx: ViewContext, reasons: readonly PasswordReason[], rules: PasswordRules | null): string[] {
  const r = ctx.t.password.reasons;
  const out: string[] = [];
  for (const reason of reasons) {
    const text =
      reason === 'length'
        ? rules !== null
          ? r.length(rules.minLength)
          : r.requirements
        : r[reason];
    if (!out.includes(text)) out.push(text);
  }
  return out;
}

/** The field's error: the reasons (id="password-reasons"). */
export function reasonsBlock(texts: readonly string[]): SafeHtml {
  if (texts.length === 0) return html``;
  if (texts.length === 1) return html`<span class="field-error" id="password-reasons">${texts[0]}</span>`;
  return html`<ul class="field-error" id="password-reasons">${texts.map((x) => html`<li>${x}</li>`)}</ul>`;
}

/** A Show/Hide toggle for one password field (hidden until /assets/password.js runs). */
export function revealButton(field: string, texts: { show: string; hide: string }, names: { show: string; hide: string }): SafeHtml {
  return html`<button type="button" class="link reveal" data-reveal-field="${field}" aria-controls="${field}"
 aria-label="${names.show}" data-text-show="${texts.show}" data-text-hide="${texts.hide}"
 data-label-show="${names.show}" data-label-hide="${names.hide}" hidden>${texts.show}</button>`;
}
