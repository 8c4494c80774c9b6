/**
 * GET /recover/password : the new-password form. The ott travels only in this form's hidden POST field (never in
 * a URL); the passwords are never echoed back; Okta's policy causes are listed next to the field.
 */
import { PATHS } from '../../http/paths.js';
import { html } from '../html.js';
import { en } from '../i18n/en.js';
import { csrfField, errorSummary, layout, type ViewContext } from '../layout.js';

export interface PasswordPageProps {
  csrfToken: string;
  ott: string;
  revokeSessions: boolean;
  error?: string | undefined;
  /** Password-policy causes from Okta (safe summaries). */
  causes?: readonly string[] | undefined;
  /** The error is about the password fields (mismatch, policy, empty). */
  fieldError?: boolean;
}

export function passwordPage(ctx: ViewContext, p: PasswordPageProps): string {
  const t = en.password;
  const invalid = p.fieldError === true;
  const causes = p.causes ?? [];
  const described = ['password-error', causes.length > 0 ? 'password-causes' : ''].filter(Boolean).join(' ');
  return layout(ctx, {
    title: t.title,
    body: html`<h1>${t.heading}</h1>
${errorSummary(p.error)}
<form method="post" action="${ctx.href(PATHS.password)}" novalidate>
${csrfField(p.csrfToken)}
<input type="hidden" name="ott" value="${p.ott}">
<div class="field">
<label for="password">${t.newLabel}</label>
${invalid ? html`<span class="field-error" id="password-error">${p.error}</span>` : ''}
${
  causes.length > 0
    ? html`<div id="password-causes"><p class="hint">${t.policyHeading}</p><ul>${causes.map((c) => html`<li>${c}</li>`)}</ul></div>`
    : ''
}
<input type="password" id="password" name="password" autocomplete="new-password" maxlength="256" required autofocus
${invalid ? html` aria-invalid="true" aria-describedby="${described}"` : ''}>
</div>
<div class="field">
<label for="confirmPassword">${t.confirmLabel}</label>
<input type="password" id="confirmPassword" name="confirmPassword" autocomplete="new-password" maxlength="256" required
${invalid ? html` aria-invalid="true"` : ''}>
</div>
<div class="field">
<label class="check"><input type="checkbox" name="revokeSessions" value="on"${p.revokeSessions ? html` checked` : ''}>
<span>${t.revoke}<span class="hint">${t.revokeHint}</span></span></label>
</div>
<div class="actions"><button type="submit">${t.submit}</button></div>
</form>`,
  });
}
