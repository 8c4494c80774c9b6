/**
 * GET /account/password : the signed-in password change (current + new + confirm).
 * - The rules are shown before typing (PASSWORD_REQUIREMENTS, else the catalogue's lines); after a refusal Okta's own
 *   policy causes are listed next to the new-password field and described by it.
 * - A wrong current password marks the current-password field; passwords are never echoed back.
 * - "Show passwords" (/assets/password.js) as on the recovery form.
 */
import { ACCOUNT_PATHS } from '../../http/account/paths.js';
import { html } from '../html.js';
import { csrfField, errorSummary, layout, type ViewContext } from '../layout.js';

export interface AccountPasswordPageProps {
  csrfToken: string;
  requirements?: readonly string[] | undefined;
  error?: string | undefined;
  causes?: readonly string[] | undefined;
  /** Which field the error is about. */
  fieldError?: 'current' | 'new' | 'all' | undefined;
}

export function accountPasswordPage(ctx: ViewContext, p: AccountPasswordPageProps): string {
  const t = ctx.t.password;
  const a = ctx.t.accountPassword;
  const causes = (p.causes ?? []).map((c) => c.replace(/^password:\s*/i, ''));
  const requirements = p.requirements && p.requirements.length > 0 ? p.requirements : t.defaultRequirements;
  const currentBad = p.fieldError === 'current' || p.fieldError === 'all';
  const newBad = p.fieldError === 'new' || p.fieldError === 'all';
  const newMessage = newBad && causes.length === 0;
  const described = ['password-requirements', newMessage ? 'password-error' : '', causes.length > 0 ? 'password-causes' : '']
    .filter(Boolean)
    .join(' ');
  return layout(ctx, {
    title: a.title,
    scripts: ['password.js'],
    body: html`<h1>${a.heading}</h1>
${errorSummary(p.error, [], currentBad ? 'currentPassword' : newBad ? 'password' : undefined)}
<form method="post" action="${ctx.href(ACCOUNT_PATHS.password)}" novalidate>
${csrfField(p.csrfToken)}
<div class="field">
<label for="currentPassword">${a.currentLabel}</label>
${p.fieldError === 'current' ? html`<span class="field-error" id="current-error">${p.error}</span>` : ''}
<input type="password" id="currentPassword" name="currentPassword" autocomplete="current-password" maxlength="256" required
 autofocus${currentBad ? html` aria-invalid="true"` : ''}${p.fieldError === 'current' ? html` aria-describedby="current-error"` : ''}>
</div>
<div class="field">
<label for="password">${t.newLabel}</label>
<div class="requirements" id="password-requirements"><p>${t.requirementsHeading}</p>
<ul>${requirements.map((r) => html`<li>${r}</li>`)}</ul></div>
${newMessage ? html`<span class="field-error" id="password-error">${p.error}</span>` : ''}
${
  causes.length > 0
    ? html`<div class="causes" id="password-causes"><p>${t.policyHeading}</p><ul>${causes.map((c) => html`<li>${c}</li>`)}</ul></div>`
    : ''
}
<input type="password" id="password" name="newPassword" autocomplete="new-password" maxlength="256" required
 aria-describedby="${described}"${newBad ? html` aria-invalid="true"` : ''}>
</div>
<div class="field">
<label for="confirmPassword">${t.confirmLabel}</label>
<input type="password" id="confirmPassword" name="confirmPassword" autocomplete="new-password" maxlength="256" required
${newBad ? html` aria-invalid="true" aria-describedby="${newMessage ? 'password-error' : 'password-causes'}"` : ''}>
</div>
<div class="field"><button type="button" class="link" id="show-passwords" aria-pressed="false"
 aria-controls="currentPassword password confirmPassword" hidden>${t.show}</button></div>
<div class="actions"><button type="submit">${a.submit}</button>
<a href="${ctx.href(ACCOUNT_PATHS.home)}">${ctx.t.stepUp.cancel}</a></div>
</form>`,
  });
}
