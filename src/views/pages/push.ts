/**
 * GET /recover/push : the number to tap (large), the waiting status and the time left.
 * - /assets/push.js follows the flow through server-sent events (polling as a fallback) and, without reloading:
 *   goes to the password page once approved; on rejection or timeout shows the outcome in the alert region, hides
 *   the number and reveals the ways on (#push-next; after a timeout also "Send another push", #push-again).
 * - "This request expires in 4 minutes." is counted down live by /assets/focus.js (not a live region).
 * - 30 s after the push was sent, "Haven't received it?" and "Resend push" appear (focus.js reveals them and
 *   announces the hint once); a page rendered later shows them at once, so without JavaScript "Check again" leads
 *   to them too. Resending (POST /recover/resend, method=push) is choosing push again: the pending push is withdrawn
 *   at Okta first.
 * - "Start again" is a POST to /recover/cancel, which withdraws the pending push too.
 * - Real users and decoys get the same page, the same timings and the same words (the push is the flow's, not
 *   the account's).
 * - Without JavaScript the "Check again" button (a plain GET of this page) does the same; the server then renders
 *   the outcome page (state rejected / expired) with the same ways on.
 */
import { PATHS } from '../../http/paths.js';
import { PAGE_PATHS } from '../../http/pages/paths.js';
import { pushNumber } from '../fragments.js';
import { html, type SafeHtml } from '../html.js';
import { formatDuration } from '../i18n/duration.js';
import { csrfField, errorSummary, layout, type Message, type ViewContext } from '../layout.js';

/** Seconds after a push before "Haven't received it?" and "Resend push" appear. */
export const PUSH_RESEND_AFTER_SECONDS = 30;
import type { Progress } from '../../core/recovery/api.js';
import { progressLine } from './method.js';

export interface PushPageProps {
  state: 'waiting' | 'rejected' | 'expired';
  correctAnswer: number | null;
  csrfToken: string;
  /** Seconds until the push expires (waiting). */
  expiresInSeconds?: number | undefined;
  /** Seconds since the push was sent (waiting); unknown: the resend appears after the full delay. */
  sentSecondsAgo?: number | undefined;
  error?: Message | undefined;
  /** A two-method flow's progress ("Step 2 of 2"), when the core gives it. */
  progress?: Progress | undefined;
  /** A notice (e.g. a new push was sent). */
  notice?: string | undefined;
}

/** POST /recover/resend with method=push: another push (the pending one is withdrawn first). */
function pushAgainForm(ctx: ViewContext, csrfToken: string, label: string, id: string, secondary: boolean): SafeHtml {
  return html`<form method="post" action="${ctx.href(PATHS.resend)}" class="inline">
${csrfField(csrfToken)}<input type="hidden" name="method" value="push">
<button type="submit" id="${id}"${secondary ? html` class="secondary"` : ''}>${label}</button></form>`;
}

function cancelForm(ctx: ViewContext, csrfToken: string): SafeHtml {
  return html`<form method="post" action="${ctx.href(PATHS.cancel)}" class="inline">
${csrfField(csrfToken)}<button type="submit" class="link">${ctx.t.common.startAgain}</button></form>`;
}

function nextStep(ctx: ViewContext, csrfToken: string, id?: string): SafeHtml {
  return html`<p>${ctx.t.push.nextStep}</p>
<div class="actions"><a class="button"${id ? html` id="${id}"` : ''} href="${ctx.href(PATHS.method)}">${ctx.t.common.tryAnotherMethod}</a>
${cancelForm(ctx, csrfToken)}</div>`;
}

/** "This request expires in 4 minutes." with the duration counted down by focus.js. */
function expiry(ctx: ViewContext, seconds: number): SafeHtml {
  const s = Math.max(1, Math.ceil(seconds));
  const sentence = ctx.t.push.expiresIn(s);
  const duration = formatDuration(ctx.t.lang, s);
  const at = sentence.indexOf(duration);
  const live = html`<span class="countdown" data-retry-seconds="${s}" data-retry-lang="${ctx.t.lang}">${duration}</span>`;
  const body = at < 0 ? html`${sentence}` : html`${sentence.slice(0, at)}${live}${sentence.slice(at + duration.length)}`;
  return html`<p class="muted retry" id="push-expiry" data-text-ready="${ctx.t.push.expiresNow}">${body}</p>`;
}

export function pushPage(ctx: ViewContext, p: PushPageProps): string {
  const t = ctx.t.push;
  if (p.state !== 'waiting') {
    return layout(ctx, {
      title: t.title,
      body: html`<h1>${t.heading}</h1>
${progressLine(ctx, p.progress)}
${errorSummary(p.error ?? (p.state === 'rejected' ? t.rejected : t.expired))}
${p.state === 'expired' ? html`<div class="actions">${pushAgainForm(ctx, p.csrfToken, t.sendAnother, 'push-again-action', false)}</div>` : ''}
${nextStep(ctx, p.csrfToken)}`,
    });
  }
  const resendIn = Math.max(0, PUSH_RESEND_AFTER_SECONDS - Math.floor(p.sentSecondsAgo ?? 0));
  return layout(ctx, {
    title: t.title,
    scripts: ['push.js'],
    body: html`<h1>${t.heading}</h1>
${progressLine(ctx, p.progress)}
${errorSummary(p.error)}
${p.notice ? html`<p class="notice" role="status">${p.notice}</p>` : ''}
<div class="alert" role="alert" id="push-alert"></div>
<div id="push-live" data-push-events-url="${ctx.href(PAGE_PATHS.pushEvents)}"
 data-push-status-url="${ctx.href(PATHS.api.status)}" data-push-next-url="${ctx.href(PATHS.password)}"
 data-text-approved="${t.approved}" data-text-rejected="${t.rejected}" data-text-expired="${t.expired}">
<div id="push-waiting">
${pushNumber(t, p.correctAnswer)}
<p class="status muted" role="status" id="push-status"><span class="spinner" aria-hidden="true"></span>${t.waiting}</p>
${p.expiresInSeconds !== undefined ? expiry(ctx, p.expiresInSeconds) : ''}
<p class="muted" id="push-live-note" hidden>${t.live}</p>
<div class="resend" id="push-resend"${resendIn > 0 ? html` hidden data-reveal-after="${resendIn}" data-reveal-announce="push-resend-announce"` : ''}>
<p>${t.notReceived}</p>
<div class="actions">${pushAgainForm(ctx, p.csrfToken, t.resend, 'push-resend-action', true)}</div>
</div>
<p class="vh" role="status" id="push-resend-announce"></p>
</div>
</div>
<div id="push-again" hidden><div class="actions">${pushAgainForm(ctx, p.csrfToken, t.sendAnother, 'push-again-action', false)}</div></div>
<div id="push-next" hidden>
${nextStep(ctx, p.csrfToken, 'push-next-action')}
</div>
<div class="actions" id="push-check">
<div id="push-check-again"><form method="get" action="${ctx.href(PATHS.push)}"><button type="submit" class="secondary">${t.checkAgain}</button></form></div>
<a href="${ctx.href(PATHS.method)}">${ctx.t.common.tryAnotherMethod}</a>
${cancelForm(ctx, p.csrfToken)}
</div>`,
  });
}
