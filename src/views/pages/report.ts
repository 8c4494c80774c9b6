/**
 * GET /report/:token : "This wasn't me" (issue 14, item 4). The confirmation page says what happened (the event the
 * notification described) and asks for a confirmation: following the link changes nothing, only the form's POST
 * acts. The done page says what was done; the invalid page is the one answer for a tampered, expired or used link.
 */
import { PATHS } from '../../http/paths.js';
import type { ReportTicket } from '../../core/report.js';
import { formatWhen } from '../../notify/compose.js';
import { html } from '../html.js';
import { csrfField, layout, type ViewContext } from '../layout.js';

export function reportConfirmPage(ctx: ViewContext, p: { ticket: ReportTicket; action: string; csrfToken: string; suspends: boolean }): string {
  const t = ctx.t.report;
  const m = ctx.t.mail;
  const lang = ctx.t.lang === 'fr' ? 'fr' : 'en';
  return layout(ctx, {
    title: t.title,
    body: html`<h1>${t.heading}</h1>
<p>${t.lead}</p>
<dl class="report-event">
<dt>${t.what}</dt><dd>${m.events[p.ticket.kind]}</dd>
<dt>${m.when}</dt><dd>${formatWhen(lang, p.ticket.at)}</dd>
<dt>${m.ip}</dt><dd>${p.ticket.ip || m.unknown}</dd>
<dt>${m.browser}</dt><dd>${p.ticket.userAgent || m.unknown}</dd>
</dl>
<p>${t.confirmLead}</p>
${p.suspends ? html`<p>${t.suspendNote}</p>` : ''}
<form method="post" action="${p.action}" novalidate>
${csrfField(p.csrfToken)}
<div class="actions"><button type="submit">${t.submit}</button>
<a class="button secondary" href="${ctx.href(PATHS.landing)}">${t.cancel}</a></div>
</form>`,
  });
}

export function reportDonePage(ctx: ViewContext, p: { suspended: boolean }): string {
  const t = ctx.t.report;
  return layout(ctx, {
    title: t.doneTitle,
    body: html`<h1>${t.doneHeading}</h1>
<div class="notice" role="status"><p>${t.doneLead}</p>
${p.suspended ? html`<p>${t.doneSuspended}</p>` : html`<p>${t.doneNext}</p>`}</div>
${ctx.supportUrl ? html`<p><a href="${ctx.supportUrl}" rel="noreferrer">${ctx.t.common.support}</a></p>` : ''}`,
  });
}

export function reportInvalidPage(ctx: ViewContext): string {
  const t = ctx.t.report;
  return layout(ctx, {
    title: t.invalidTitle,
    body: html`<h1>${t.invalidHeading}</h1>
<div class="alert" role="alert"><p>${t.invalidLead}</p></div>
<div class="actions"><a class="button" href="${ctx.href(PATHS.landing)}">${ctx.t.common.home}</a></div>
${ctx.supportUrl ? html`<p><a href="${ctx.supportUrl}" rel="noreferrer">${ctx.t.common.support}</a></p>` : ''}`,
  });
}
