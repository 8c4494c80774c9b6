/**
 * The help-desk console's pages (issue 16, item 1): an agent looks a caller up, challenges one of the caller's
 * methods and sees the result.
 * - GET /helpdesk : the lookup form; once a caller is looked up, their masked methods as radio buttons.
 * - GET /helpdesk/code : the code the caller reads out (sms, call, authenticator apps).
 * - GET /helpdesk/push : the number to read to the caller; /assets/push.js follows the push (server-sent events,
 *   polling as a fallback) and opens the result; without JavaScript "Check again" reloads the page.
 * - GET /helpdesk/result : verified or not, how, and the ticket.
 * No page offers to set a password or a method.
 */
import type { CallerView, HelpdeskView } from '../../core/helpdesk/api.js';
import type { RecoveryMethod } from '../../core/ports.js';
import { HELPDESK_PATHS } from '../../http/helpdesk/paths.js';
import { codeField, radioChoice } from '../fragments.js';
import { html } from '../html.js';
import { csrfField, errorSummary, layout, type ViewContext } from '../layout.js';

export interface HelpdeskHomeProps {
  csrfToken: string;
  agent: string;
  caller: CallerView | null;
  ticket: string | null;
  login?: string | undefined;
  ticketValue?: string | undefined;
  error?: string | undefined;
  /** Which lookup field is in error. */
  fieldError?: 'login' | undefined;
}

function callerBlock(ctx: ViewContext, p: HelpdeskHomeProps, caller: CallerView): ReturnType<typeof html> {
  const t = ctx.t.helpdesk;
  const kinds = ctx.t.account.kinds;
  return html`<section aria-labelledby="caller-heading">
<h2 id="caller-heading">${t.callerHeading(caller.login)}</h2>
<p>${t.status(caller.status)}${p.ticket ? html`<br>${t.ticket(p.ticket)}` : ''}</p>
${
  caller.factors.length === 0
    ? html`<p>${t.noMethods}</p>`
    : html`<form method="post" action="${ctx.href(HELPDESK_PATHS.challenge)}">
${csrfField(p.csrfToken)}
<fieldset>
<legend>${t.methodsLegend}</legend>
${caller.factors.map((f, i) => radioChoice({ name: 'factorId', value: f.id, checked: i === 0, title: kinds[f.method], desc: f.hint }))}
</fieldset>
<div class="actions"><button type="submit">${t.send}</button></div>
</form>`
}
<p class="muted">${t.never}</p>
</section>`;
}

export function helpdeskHomePage(ctx: ViewContext, p: HelpdeskHomeProps): string {
  const t = ctx.t.helpdesk;
  const invalid = p.fieldError === 'login';
  return layout(ctx, {
    title: t.title,
    body: html`<h1>${t.heading}</h1>
${errorSummary(p.error, [], invalid ? 'login' : undefined)}
<p class="muted">${t.signedInAs(p.agent)}</p>
<p>${t.lead}</p>
<form method="post" action="${ctx.href(HELPDESK_PATHS.lookup)}" novalidate>
${csrfField(p.csrfToken)}
<div class="field">
<label for="login">${t.loginLabel}</label>
<span class="hint" id="login-hint">${t.loginHint}</span>
${invalid ? html`<span class="field-error" id="login-error">${p.error}</span>` : ''}
<input type="text" id="login" name="login" autocomplete="off" spellcheck="false" autocapitalize="none" maxlength="256" required
 value="${p.login ?? ''}" aria-describedby="login-hint${invalid ? ' login-error' : ''}"${invalid ? html` aria-invalid="true"` : ''}>
</div>
<div class="field">
<label for="ticket">${t.ticketLabel}</label>
<span class="hint" id="ticket-hint">${t.ticketHint}</span>
<input type="text" id="ticket" name="ticket" autocomplete="off" spellcheck="false" maxlength="64" value="${p.ticketValue ?? p.ticket ?? ''}" aria-describedby="ticket-hint">
</div>
<div class="actions"><button type="submit"${p.caller ? html` class="secondary"` : ''}>${t.lookup}</button></div>
</form>
${p.caller ? callerBlock(ctx, p, p.caller) : ''}`,
  });
}

export interface HelpdeskCodeProps {
  csrfToken: string;
  method: Exclude<RecoveryMethod, 'push' | 'email'>;
  hint: string | null;
  login: string;
  error?: string | undefined;
  fieldError?: boolean;
}

export function helpdeskCodePage(ctx: ViewContext, p: HelpdeskCodeProps): string {
  const t = ctx.t.helpdesk;
  const lead =
    p.method === 'sms' || p.method === 'call' ? t.codeLeads[p.method](p.hint ?? '•••') : t.codeLeads[p.method];
  const invalid = p.fieldError === true;
  return layout(ctx, {
    title: t.codeTitle,
    body: html`<h1>${t.codeTitle}</h1>
${errorSummary(p.error, [], invalid ? 'code' : undefined)}
<p>${t.callerHeading(p.login)}</p>
<p>${lead}</p>
<form method="post" action="${ctx.href(HELPDESK_PATHS.code)}" novalidate>
${csrfField(p.csrfToken)}
${codeField(ctx, invalid, p.error)}
<div class="actions"><button type="submit">${t.codeSubmit}</button></div>
</form>
<div class="actions"><a href="${ctx.href(HELPDESK_PATHS.home)}">${t.tryAnother}</a></div>`,
  });
}

export function helpdeskPushPage(ctx: ViewContext, p: { login: string; correctAnswer: number | null }): string {
  const t = ctx.t.helpdesk;
  return layout(ctx, {
    title: t.pushTitle,
    scripts: ['push.js'],
    body: html`<h1>${t.pushTitle}</h1>
<div class="alert" role="alert" id="push-alert"></div>
<p>${t.callerHeading(p.login)}</p>
<div id="push-live" data-push-events-url="${ctx.href(HELPDESK_PATHS.pushEvents)}"
 data-push-status-url="${ctx.href(HELPDESK_PATHS.pushStatus)}" data-push-next-url="${ctx.href(HELPDESK_PATHS.result)}"
 data-text-approved="${t.pushApproved}" data-text-rejected="${t.failures.rejected}" data-text-expired="${t.failures.expired}">
<div id="push-waiting">
${p.correctAnswer === null ? html`<p>${t.pushNoNumber}</p>` : html`<p>${t.pushNumber}</p>
<p class="number" id="push-number">${p.correctAnswer}</p>`}
<p class="status muted" role="status" id="push-status"><span class="spinner" aria-hidden="true"></span>${t.pushWaiting}</p>
<p class="muted" id="push-live-note" hidden>${t.pushLive}</p>
</div>
</div>
<div id="push-next" hidden>
<div class="actions"><a class="button" id="push-next-action" href="${ctx.href(HELPDESK_PATHS.result)}">${t.resultTitle}</a></div>
</div>
<div class="actions" id="push-check">
<div id="push-check-again"><form method="get" action="${ctx.href(HELPDESK_PATHS.push)}"><button type="submit" class="secondary">${t.checkAgain}</button></form></div>
<a href="${ctx.href(HELPDESK_PATHS.home)}">${t.tryAnother}</a>
</div>`,
  });
}

export function helpdeskResultPage(ctx: ViewContext, p: { view: HelpdeskView }): string {
  const t = ctx.t.helpdesk;
  const v = p.view;
  const login = v.caller?.login ?? '';
  const ok = v.state === 'verified';
  return layout(ctx, {
    title: t.resultTitle,
    body: html`<h1>${t.resultTitle}</h1>
${
  ok
    ? html`<p class="notice" role="status" id="helpdesk-result" data-outcome="verified"><strong>${t.verified(login)}</strong></p>`
    : html`<div class="alert" role="alert" id="helpdesk-result" data-outcome="failed"><p><strong>${t.failed(login)}</strong></p>
${v.failure ? html`<p>${t.failures[v.failure]}</p>` : ''}</div>`
}
<ul>
${v.method ? html`<li>${t.how(ctx.t.account.kinds[v.method])}</li>` : ''}
${v.ticket ? html`<li>${t.ticket(v.ticket)}</li>` : ''}
</ul>
<p class="muted">${t.never}</p>
<div class="actions">${ok ? '' : html`<a class="button" href="${ctx.href(HELPDESK_PATHS.home)}">${t.tryAnother}</a>`}
<a href="${ctx.href(`${HELPDESK_PATHS.home}?new=1`)}">${t.newCaller}</a></div>`,
  });
}
