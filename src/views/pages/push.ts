/**
 * GET /recover/push : the number to tap (large) and the waiting status.
 * - /assets/push.js follows the flow through server-sent events (polling as a fallback) and, without reloading:
 *   goes to the password page once approved; on rejection or timeout shows the outcome in the alert region, hides
 *   the number and reveals "Try another method" (the hidden #push-next block below).
 * - Without JavaScript the "Check again" button (a plain GET of this page) does the same; the server then renders
 *   the outcome page (state rejected / expired) with the same way on.
 */
import { PATHS } from '../../http/paths.js';
import { PAGE_PATHS } from '../../http/pages/paths.js';
import { pushNumber } from '../fragments.js';
import { html, type SafeHtml } from '../html.js';
import { errorSummary, layout, type Message, type ViewContext } from '../layout.js';
import type { Progress } from '../../core/recovery/api.js';
import { progressLine } from './method.js';

export interface PushPageProps {
  state: 'waiting' | 'rejected' | 'expired';
  correctAnswer: number | null;
  error?: Message | undefined;
  /** A two-method flow's progress ("Step 2 of 2"), when the core gives it. */
  progress?: Progress | undefined;
}

function nextStep(ctx: ViewContext, id?: string): SafeHtml {
  return html`<p>${ctx.t.push.nextStep}</p>
<div class="actions"><a class="button"${id ? html` id="${id}"` : ''} href="${ctx.href(PATHS.method)}">${ctx.t.common.tryAnotherMethod}</a>
<a href="${ctx.href(PATHS.start)}">${ctx.t.common.startAgain}</a></div>`;
}

export function pushPage(ctx: ViewContext, p: PushPageProps): string {
  const t = ctx.t.push;
  if (p.state !== 'waiting') {
    return layout(ctx, {
      title: t.title,
      body: html`<h1>${t.heading}</h1>
${progressLine(ctx, p.progress)}
${errorSummary(p.state === 'rejected' ? t.rejected : t.expired)}
${nextStep(ctx)}`,
    });
  }
  return layout(ctx, {
    title: t.title,
    scripts: ['push.js'],
    body: html`<h1>${t.heading}</h1>
${progressLine(ctx, p.progress)}
${errorSummary(p.error)}
<div class="alert" role="alert" id="push-alert"></div>
<div id="push-live" data-push-events-url="${ctx.href(PAGE_PATHS.pushEvents)}"
 data-push-status-url="${ctx.href(PATHS.api.status)}" data-push-next-url="${ctx.href(PATHS.password)}"
 data-text-approved="${t.approved}" data-text-rejected="${t.rejected}" data-text-expired="${t.expired}">
<div id="push-waiting">
${pushNumber(t, p.correctAnswer)}
<p class="status muted" role="status" id="push-status"><span class="spinner" aria-hidden="true"></span>${t.waiting}</p>
<p class="muted" id="push-live-note" hidden>${t.live}</p>
</div>
</div>
<div id="push-next" hidden>
${nextStep(ctx, 'push-next-action')}
</div>
<div class="actions" id="push-check">
<div id="push-check-again"><form method="get" action="${ctx.href(PATHS.push)}"><button type="submit" class="secondary">${t.checkAgain}</button></form></div>
<a href="${ctx.href(PATHS.method)}">${ctx.t.common.tryAnotherMethod}</a>
</div>`,
  });
}
