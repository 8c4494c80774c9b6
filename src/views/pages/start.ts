/**
 * GET /recover : the user names the account. After an error that is not about the value (Okta unavailable, a
 * limit), the typed value is kept in the field, HTML-escaped by the template (VAL-3: encoded for its context, never
 * in a URL); a value refused for its shape is not echoed and the field is empty again.
 */
import { PATHS } from '../../http/paths.js';
import { html } from '../html.js';
import { csrfField, errorSummary, layout, type Message, type ViewContext } from '../layout.js';

export interface StartPageProps {
  csrfToken: string;
  error?: Message | undefined;
  /** true when the error is about the username field itself. */
  fieldError?: boolean;
  /** The typed value to keep after an error that is not about it. */
  value?: string | undefined;
}

export function startPage(ctx: ViewContext, p: StartPageProps): string {
  const t = ctx.t.start;
  const invalid = p.fieldError === true;
  return layout(ctx, {
    title: t.title,
    body: html`<h1>${t.heading}</h1>
${errorSummary(p.error, [], invalid ? 'username' : undefined)}
<p>${t.lead}</p>
<form method="post" action="${ctx.href(PATHS.start)}" novalidate>
${csrfField(p.csrfToken)}
<div class="field">
<label for="username">${t.label}</label>
${invalid ? html`<span class="field-error" id="username-error">${p.error}</span>` : ''}
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false"
 maxlength="256" required autofocus${p.value ? html` value="${p.value}"` : ''}${invalid ? html` aria-invalid="true" aria-describedby="username-error"` : ''}>
</div>
<div class="actions"><button type="submit">${t.submit}</button></div>
</form>`,
  });
}
