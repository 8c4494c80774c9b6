/** GET /recover/done : the success page. */
import { PATHS } from '../../http/paths.js';
import { html } from '../html.js';
import { layout, type ViewContext } from '../layout.js';

export function donePage(ctx: ViewContext): string {
  const t = ctx.t.done;
  return layout(ctx, {
    title: t.title,
    body: html`<h1>${t.heading}</h1>
<p class="notice" role="status">${t.lead}</p>
<div class="actions"><a class="button" href="${ctx.href(PATHS.landing)}">${ctx.t.common.home}</a></div>`,
  });
}
