/**
 * GET /recover/push : the number to tap and the waiting status. /assets/push.js polls the JSON status and moves on
 * by itself; without JavaScript the "Check again" button (a plain GET of this page) does the same.
 */
import { PATHS } from '../../http/paths.js';
import { html } from '../html.js';
import { en } from '../i18n/en.js';
import { errorSummary, layout, type ViewContext } from '../layout.js';

export interface PushPageProps {
  state: 'waiting' | 'rejected' | 'expired';
  correctAnswer: number | null;
  error?: string | undefined;
}

export function pushPage(ctx: ViewContext, p: PushPageProps): string {
  const t = en.push;
  if (p.state !== 'waiting') {
    return layout(ctx, {
      title: t.title,
      body: html`<h1>${t.heading}</h1>
${errorSummary(p.state === 'rejected' ? t.rejected : t.expired)}
<div class="actions"><a class="button" href="${ctx.href(PATHS.method)}">${en.common.tryAnotherMethod}</a>
<a href="${ctx.href(PATHS.start)}">${en.common.startAgain}</a></div>`,
    });
  }
  return layout(ctx, {
    title: t.title,
    scripts: ['push.js'],
    body: html`<h1>${t.heading}</h1>
${errorSummary(p.error)}
<div data-push-status-url="${ctx.href(PATHS.api.status)}" data-push-next-url="${ctx.href(PATHS.password)}">
${
  p.correctAnswer === null
    ? html`<p>${t.noNumber}</p>`
    : html`<p>${t.number}</p><p class="number" id="push-number">${p.correctAnswer}</p>`
}
<p class="status muted" role="status">${t.waiting}</p>
</div>
<form method="get" action="${ctx.href(PATHS.push)}">
<div class="actions"><button type="submit" class="secondary">${t.checkAgain}</button>
<a href="${ctx.href(PATHS.method)}">${en.common.tryAnotherMethod}</a></div>
</form>`,
  });
}
