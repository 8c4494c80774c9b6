/**
 * GET /recover/password : the new-password form.
 * - The ott travels only in this form's hidden POST field (never in a URL); the passwords are never echoed back.
 * - The rules are shown before typing (../password-fields.ts): a checklist of the rules the portal knows (Okta's
 *   password policy, or Okta's defaults) that ticks as the user types, or the operator's PASSWORD_REQUIREMENTS lines;
 *   tied to the field with aria-describedby, with a passphrase tip.
 * - After a refusal the error summary says once that the password was refused and links to the field; the field's
 *   own error names why (the broken rule, history, minimum age ...) in the page's language, never Okta's English.
 * - Each password field has its own Show/Hide toggle (rendered hidden; /assets/password.js reveals and runs it).
 */
import { PATHS } from '../../http/paths.js';
import type { PasswordReason, PasswordRules } from '../../core/password-rules.js';
import { html } from '../html.js';
import { csrfField, errorSummary, layout, type Message, type ViewContext } from '../layout.js';
import { reasonTexts, reasonsBlock, requirementsBlock, revealButton } from '../password-fields.js';

export interface PasswordPageProps {
  csrfToken: string;
  ott: string;
  revokeSessions: boolean;
  /** The rules the portal knows (Okta's policy or defaults), or null to show `requirements` as written. */
  rules?: PasswordRules | null;
  /** The operator's requirement lines (used when `rules` is null). */
  requirements?: readonly string[] | undefined;
  /** The login (for the "no part of your username" line). */
  login?: string | undefined;
  error?: Message | undefined;
  /** Why the IdP refused the password (PASSWORD_POLICY). */
  reasons?: readonly PasswordReason[] | undefined;
  /** The error is about the password fields (mismatch, policy, empty). */
  fieldError?: boolean;
  /** Self-service unlock offered (a verified, locked-out user): a second form spends the ott on the unlock. */
  unlockAvailable?: boolean;
}

export function passwordPage(ctx: ViewContext, p: PasswordPageProps): string {
  const t = ctx.t.password;
  const invalid = p.fieldError === true;
  const rules = p.rules ?? null;
  const reasons = reasonTexts(ctx, p.reasons ?? [], rules);
  // The reasons are the field's error when there are any; otherwise (mismatch, empty) the message is.
  const fieldMessage = invalid && reasons.length === 0;
  const requirements = requirementsBlock(ctx, { rules, lines: p.requirements, login: p.login, broken: p.reasons });
  const hasRequirements = requirements.value !== '';
  const errorId = reasons.length > 0 ? 'password-reasons' : fieldMessage ? 'password-error' : '';
  const described = [hasRequirements ? 'password-requirements' : '', errorId].filter(Boolean).join(' ');
  return layout(ctx, {
    title: t.title,
    scripts: ['password.js'],
    body: html`<h1>${t.heading}</h1>
${errorSummary(p.error, [], invalid ? 'password' : undefined)}
${p.unlockAvailable === true ? unlockSection(ctx, p) : ''}
<form method="post" action="${ctx.href(PATHS.password)}" novalidate>
${csrfField(p.csrfToken)}
<input type="hidden" name="ott" value="${p.ott}">
<div class="field">
<label for="password">${t.newLabel}</label>
${requirements}
${fieldMessage ? html`<span class="field-error" id="password-error">${p.error}</span>` : ''}
${reasonsBlock(reasons)}
<div class="pw-row"><input type="password" id="password" name="password" autocomplete="new-password" maxlength="256" required autofocus
${described !== '' ? html` aria-describedby="${described}"` : ''}${invalid ? html` aria-invalid="true"` : ''}>
${revealButton('password', t.reveal, t.revealNew)}</div>
</div>
<div class="field">
<label for="confirmPassword">${t.confirmLabel}</label>
<div class="pw-row"><input type="password" id="confirmPassword" name="confirmPassword" autocomplete="new-password" maxlength="256" required
${invalid && errorId !== '' ? html` aria-invalid="true" aria-describedby="${errorId}"` : ''}>
${revealButton('confirmPassword', t.reveal, t.revealConfirm)}</div>
</div>
<div class="field">
<label class="check"><input type="checkbox" name="revokeSessions" value="on"${p.revokeSessions ? html` checked` : ''}>
<span>${t.revoke}<span class="hint">${t.revokeHint}</span></span></label>
</div>
<div class="actions"><button type="submit">${t.submit}</button></div>
</form>`,
  });
}

/** "Your account is locked": unlock and keep the current password (POST /recover/unlock with the same ott). */
function unlockSection(ctx: ViewContext, p: PasswordPageProps) {
  const u = ctx.t.unlock;
  return html`<section class="unlock" aria-labelledby="unlock-heading">
<h2 id="unlock-heading">${u.heading}</h2>
<p>${u.lead}</p>
<form method="post" action="${ctx.href(PATHS.unlock)}">
${csrfField(p.csrfToken)}
<input type="hidden" name="ott" value="${p.ott}">
<div class="actions"><button type="submit" class="secondary">${u.submit}</button></div>
</form>
</section>`;
}
