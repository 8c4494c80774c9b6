/**
 * GET /recover/code : code entry for sms, call and the authenticator apps.
 * - The field suits one-time codes: autocomplete="one-time-code" (SMS autofill), inputmode="numeric" (digit
 *   keyboard), room for pasted "123 456" / "123-456" (the server strips spaces and dashes), no pattern to fight.
 * - For sms / call, a "Send a new code" form shows the seconds until a resend is allowed (the server's value);
 *   /assets/countdown.js counts it down and keeps the button disabled meanwhile. Without JavaScript the text says how
 *   long to wait and the button works (an early press gets RESEND_TOO_SOON with the seconds left).
 * - After a resend, a status notice says the previous code no longer works.
 */
import type { RecoveryMethod } from '../../core/ports.js';
import { PATHS } from '../../http/paths.js';
import { html } from '../html.js';
import type { Messages } from '../i18n/en.js';
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

function resendIn(t: Messages['code'], seconds: number): string {
  return seconds === 1 ? t.resendInOne : t.resendInMany.replace('{n}', String(seconds));
}

export function codePage(ctx: ViewContext, p: CodePageProps): string {
  const t = ctx.t.code;
  const invalid = p.fieldError === true;
  const canResend = p.method === 'sms' || p.method === 'call';
  const wait = Math.max(0, Math.ceil(p.resendAfterSeconds ?? 0));
  const resend = canResend
    ? html`<form method="post" action="${ctx.href(PATHS.resend)}" class="resend">
${csrfField(p.csrfToken)}
<input type="hidden" name="method" value="${p.method}">
<p class="muted" id="resend-wait" data-countdown="${wait}" data-countdown-for="resend-button"
 data-countdown-announce="resend-ready" data-text-one="${t.resendInOne}" data-text-many="${t.resendInMany}"
 data-text-ready="${t.resendReady}">${wait > 0 ? resendIn(t, wait) : t.resendReady}</p>
<p class="vh" id="resend-ready" role="status"></p>
<button type="submit" class="secondary" id="resend-button" aria-describedby="resend-wait">${t.resend}</button>
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
 maxlength="20" spellcheck="false" autocapitalize="none" required autofocus
 aria-describedby="code-hint${invalid ? ' code-error' : ''}"${invalid ? html` aria-invalid="true"` : ''}>
</div>
<div class="actions"><button type="submit">${t.submit}</button></div>
</form>
${resend}
<div class="actions"><a href="${ctx.href(PATHS.method)}">${ctx.t.common.tryAnotherMethod}</a></div>`,
  });
}
