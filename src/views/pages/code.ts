/**
 * GET /recover/code : code entry for sms, call and the authenticator apps.
 * - The field suits one-time codes: autocomplete="one-time-code" (SMS autofill), inputmode="numeric" (digit
 *   keyboard), room for pasted "123 456" / "123-456" (the server strips spaces and dashes), no pattern to fight.
 * - For sms / call, a "Send a new code" form shows the seconds until a resend is allowed (the server's value);
 *   /assets/countdown.js counts it down and keeps the button disabled meanwhile. Without JavaScript the text says how
 *   long to wait and the button works (an early press gets RESEND_TOO_SOON with the seconds left).
 * - After a resend, a status notice says the previous code no longer works.
 * - After 45 s without a code typed, a hint says the code may be delayed or the method may not be set up for this
 *   account, with a way to another method (revealed by /assets/focus.js; a <noscript> line says it without
 *   JavaScript). It depends only on the clock in the browser: the same for real users and decoys.
 */
import { isSentCodeMethod, type RecoveryMethod } from '../../core/ports.js';
import type { Progress } from '../../core/recovery/api.js';
import { PATHS } from '../../http/paths.js';
import { codeField, delayHint, resendForm } from '../fragments.js';
import { html } from '../html.js';
import { csrfField, errorSummary, layout, type Message, type ViewContext } from '../layout.js';
import { progressLine } from './method.js';

export interface CodePageProps {
  csrfToken: string;
  method: RecoveryMethod;
  /** Seconds until a resend is allowed; only for sms / call. */
  resendAfterSeconds?: number | undefined;
  error?: Message | undefined;
  /** The error is about the code field (wrong or empty code). */
  fieldError?: boolean;
  notice?: string | undefined;
  /** A two-method flow's progress ("Step 2 of 2"), when the core gives it. */
  progress?: Progress | undefined;
}

export function codePage(ctx: ViewContext, p: CodePageProps): string {
  const t = ctx.t.code;
  const invalid = p.fieldError === true;
  const canResend = isSentCodeMethod(p.method);
  const resend = canResend
    ? resendForm(ctx, {
        action: PATHS.resend,
        csrfToken: p.csrfToken,
        resendAfterSeconds: p.resendAfterSeconds,
        hidden: { name: 'method', value: p.method },
        method: p.method,
      })
    : '';
  return layout(ctx, {
    title: t.title,
    scripts: canResend ? ['countdown.js', 'code.js'] : ['code.js'],
    body: html`<h1>${t.heading}</h1>
${progressLine(ctx, p.progress)}
${errorSummary(p.error, [], invalid ? 'code' : undefined)}
${p.notice ? html`<p class="notice" role="status">${p.notice}</p>` : ''}
<p>${t.lead[p.method]}</p>
<form method="post" action="${ctx.href(PATHS.code)}" novalidate${p.error === undefined ? html` data-autosubmit` : ''}>
${csrfField(p.csrfToken)}
${codeField(ctx, invalid, p.error)}
<p class="vh" role="status" id="code-auto" data-text-ready="${t.autoReady}" data-text-stopped="${t.autoStopped}"></p>
<div class="actions"><button type="submit">${t.submit}</button></div>
</form>
${resend}
${delayHint(ctx, p.method)}
<div class="actions"><a href="${ctx.href(PATHS.method)}">${ctx.t.common.tryAnotherMethod}</a></div>`,
  });
}
