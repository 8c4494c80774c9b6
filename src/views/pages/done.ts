/** GET /recover/done : the success page (a new password, or a self-service unlock that kept the password). */
import { PATHS } from '../../http/paths.js';
import { html } from '../html.js';
import { layout, type ViewContext } from '../layout.js';

export function donePage(ctx: ViewContext, opts: { unlocked?: boolean } = {}): string {
  const t = opts.unlocked === true
    ? { title: ctx.t.unlock.doneTitle, heading: ctx.t.unlock.doneHeading, lead: ctx.t.unlock.doneLead }
    : ctx.t.done;
  return layout(ctx, {
    title: t.title,
    body: html`<h1>${t.heading}</h1>
<p class="notice" role="status">${t.lead}</p>
<div class="actions"><a class="button" href="${ctx.href(PATHS.landing)}">${ctx.t.common.home}</a></div>`,
  });
}
