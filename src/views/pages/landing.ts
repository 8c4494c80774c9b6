/** GET / : the landing page, with the way into the recovery flow (and "Sign in" when sign-in with Okta is configured). */
import { PATHS } from '../../http/paths.js';
import { html } from '../html.js';
import { layout, type ViewContext } from '../layout.js';

export function landingPage(ctx: ViewContext): string {
  const t = ctx.t.landing;
  return layout(ctx, {
    title: t.title(ctx.orgName),
    body: html`<h1>${t.heading(ctx.orgName)}</h1>
<p>${t.lead}</p>
<div class="actions"><a class="button" href="${ctx.href(PATHS.start)}">${t.forgot}</a></div>
${
  ctx.signInHref
    ? html`<p>${ctx.t.signIn.landingLead}</p>
<div class="actions"><a class="button secondary" href="${ctx.signInHref}">${ctx.t.signIn.link}</a></div>`
    : ''
}`,
  });
}
