/**
 * GET /recover/code : code entry for sms, call and the authenticator apps. For sms / call, a "Send a new code"
 * form shows the seconds until Okta accepts a resend (the server's value; /assets/countdown.js counts it down).
 */
import type { RecoveryMethod } from '../../core/ports.js';
import { PATHS } from '../../http/paths.js';
import { html } from '../html.js';
import { en } from '../i18n/en.js';
import { csrfField, errorSummary, layout, type ViewContext } from '../layout.js';

export interface CodePageProps {
  csrfToken: string;
  method: RecoveryMethod;
  /** Seconds until a resend is allowed; only for sms / call. */
  resendAfterSeconds?: number | undefined;
  error?: string | undefined;
  /** The error is about the code field (wrong or empty code). */
  fieldError?: boolean;
  notice?: string | undefined;
}

function resendIn(seconds: number): string {
  return seconds === 1 ? en.code.resendInOne : en.code.resendInMany.replace('{n}', String(seconds));
}

export function codePage(ctx: ViewContext, p: CodePageProps): string {
  const t = en.code;
  const invalid = p.fieldError === true;
  const canResend = p.method === 'sms' || p.method === 'call';
  const wait = Math.max(0, Math.ceil(p.resendAfterSeconds ?? 0));
  const resend = canResend
    ? html`<form method="post" action="${ctx.href(PATHS.resend)}" class="inline">
${csrfField(p.csrfToken)}
<input type="hidden" name="method" value="${p.method}">
<p class="muted" data-countdown="${wait}" data-countdown-for="resend-button"
 data-text-one="${t.resendInOne}" data-text-many="${t.resendInMany}"
 data-text-ready="${t.resendReady}">${wait > 0 ? resendIn(wait) : t.resendReady}</p>
<button type="submit" class="secondary" id="resend-button">${t.resend}</button>
</form>`
    : '';
  return layout(ctx, {
    title: t.title,
    scripts: canResend ? ['countdown.js'] : [],
    body: html`<h1>${t.heading}</h1>
${errorSummary(p.error)}
${p.notice ? html`<p class="notice" role="status">${p.notice}</p>` : ''}
<p>${t.lead[p.method]}</p>
<form method="post" action="${ctx.href(PATHS.code)}" novalidate>
${csrfField(p.csrfToken)}
<div class="field">
<label for="code">${t.label}</label>
<span class="hint" id="code-hint">${t.hint}</span>
${invalid ? html`<span class="field-error" id="code-error">${p.error}</span>` : ''}
<input type="text" class="code" id="code" name="code" inputmode="numeric" autocomplete="one-time-code"
 pattern="[0-9 ]{6,11}" maxlength="11" required autofocus
 aria-describedby="code-hint${invalid ? ' code-error' : ''}"${invalid ? html` aria-invalid="true"` : ''}>
</div>
<div class="actions"><button type="submit">${t.submit}</button></div>
</form>
${resend}
<div class="actions"><a href="${ctx.href(PATHS.method)}">${en.common.tryAnotherMethod}</a></div>`,
  });
}
