/**
 * GET /recover/password : the new-password form.
 * - The ott travels only in this form's hidden POST field (never in a URL); the passwords are never echoed back.
 * - The password rules are shown before typing (the operator's PASSWORD_REQUIREMENTS, else the catalogue's default
 *   lines) and tied to the field with aria-describedby; after a refusal, the error and Okta's own policy causes
 *   are shown next to the field and described by it too.
 * - "Show passwords" is a toggle button (aria-pressed) rendered hidden; /assets/password.js reveals and runs it.
 */
import { PATHS } from '../../http/paths.js';
import { html } from '../html.js';
import { csrfField, errorSummary, layout, type Message, type ViewContext } from '../layout.js';

export interface PasswordPageProps {
  csrfToken: string;
  ott: string;
  revokeSessions: boolean;
  /** The operator's requirement lines; absent: the catalogue's default lines. */
  requirements?: readonly string[] | undefined;
  error?: Message | undefined;
  /** Password-policy causes from Okta (safe summaries). */
  causes?: readonly string[] | undefined;
  /** The error is about the password fields (mismatch, policy, empty). */
  fieldError?: boolean;
  /** Self-service unlock offered (a verified, locked-out user): a second form spends the ott on the unlock. */
  unlockAvailable?: boolean;
}

export function passwordPage(ctx: ViewContext, p: PasswordPageProps): string {
  const t = ctx.t.password;
  const invalid = p.fieldError === true;
  // Okta prefixes each cause with the field name ("password: Password requirements were not met ...").
  const causes = (p.causes ?? []).map((c) => c.replace(/^password:\s*/i, ''));
  // With Okta's causes listed next to the field, they are the field's error; otherwise the message is.
  const fieldMessage = invalid && causes.length === 0;
  const requirements = p.requirements && p.requirements.length > 0 ? p.requirements : t.defaultRequirements;
  const described = ['password-requirements', fieldMessage ? 'password-error' : '', causes.length > 0 ? 'password-causes' : '']
    .filter(Boolean)
    .join(' ');
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
<div class="requirements" id="password-requirements"><p>${t.requirementsHeading}</p>
<ul>${requirements.map((r) => html`<li>${r}</li>`)}</ul></div>
${fieldMessage ? html`<span class="field-error" id="password-error">${p.error}</span>` : ''}
${
  causes.length > 0
    ? html`<div class="causes" id="password-causes"><p>${t.policyHeading}</p><ul>${causes.map((c) => html`<li>${c}</li>`)}</ul></div>`
    : ''
}
<input type="password" id="password" name="password" autocomplete="new-password" maxlength="256" required autofocus
 aria-describedby="${described}"${invalid ? html` aria-invalid="true"` : ''}>
</div>
<div class="field">
<label for="confirmPassword">${t.confirmLabel}</label>
<input type="password" id="confirmPassword" name="confirmPassword" autocomplete="new-password" maxlength="256" required
${invalid ? html` aria-invalid="true" aria-describedby="${fieldMessage ? 'password-error' : 'password-causes'}"` : ''}>
</div>
<div class="field"><button type="button" class="link" id="show-passwords" aria-pressed="false"
 aria-controls="password confirmPassword" hidden>${t.show}</button></div>
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
