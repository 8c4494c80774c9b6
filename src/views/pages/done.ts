/**
 * GET /recover/done : the success page (a new password, or a self-service unlock that kept the password). The way
 * on is "Sign in" (SIGN_IN_URL, default the Okta org), it says whether the other sessions were ended, and "Wasn't
 * you?" links to the help desk (SUPPORT_URL) when there is one.
 */
import { PATHS } from '../../http/paths.js';
import { html } from '../html.js';
import { layout, type ViewContext } from '../layout.js';

export interface DonePageProps {
  /** Where "Sign in" goes; absent: back to the start page instead. */
  signInUrl?: string | undefined;
  /** Whether the other sessions were ended with the change (absent: not known, nothing said). */
  sessionsEnded?: boolean | undefined;
  /** The flow ended with a self-service unlock; the password was kept. */
  unlocked?: boolean;
}

export function donePage(ctx: ViewContext, p: DonePageProps = {}): string {
  const t = p.unlocked === true
    ? { title: ctx.t.unlock.doneTitle, heading: ctx.t.unlock.doneHeading, lead: ctx.t.unlock.doneLead }
    : ctx.t.done;
  const g = ctx.t.guide;
  return layout(ctx, {
    title: t.title,
    body: html`<h1>${t.heading}</h1>
<div class="notice" role="status"><p>${t.lead}</p>
${p.sessionsEnded === undefined ? '' : html`<p>${p.sessionsEnded ? g.sessionsEnded : g.sessionsKept}</p>`}</div>
<div class="actions">${
      p.signInUrl
        ? html`<a class="button" id="sign-in" href="${p.signInUrl}" rel="noreferrer">${g.signIn}</a>`
        : html`<a class="button" href="${ctx.href(PATHS.landing)}">${ctx.t.common.home}</a>`
    }</div>
${ctx.supportUrl ? html`<p class="muted"><a href="${ctx.supportUrl}" rel="noreferrer">${g.wasntYou}</a></p>` : ''}`,
  });
}
