/** GET / : the landing page, with the way into the recovery flow. */
import { PATHS } from '../../http/paths.js';
import { html } from '../html.js';
import { en } from '../i18n/en.js';
import { layout, type ViewContext } from '../layout.js';

export function landingPage(ctx: ViewContext): string {
  const t = en.landing;
  return layout(ctx, {
    title: t.title(ctx.orgName),
    body: html`<h1>${t.heading(ctx.orgName)}</h1>
<p>${t.lead}</p>
<div class="actions"><a class="button" href="${ctx.href(PATHS.start)}">${t.forgot}</a></div>`,
  });
}
