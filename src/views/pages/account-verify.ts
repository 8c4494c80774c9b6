/**
 * The step-up pages of the account: before a sensitive action (set up, remove, change password) the user confirms
 * it is them with one of their ACTIVE methods.
 * - GET /account/verify : the usable methods as radio buttons (masked hints), why the check is asked for.
 * - GET /account/verify/code : code entry (sms, call, authenticator apps); sms / call can ask for a new code.
 * - GET /account/verify/push : the number to tap; /assets/push.js follows the push (server-sent events, polling as a
 *   fallback) and moves on by itself; without JavaScript "Check again" reloads the page.
 * - GET /account/continue : after a push, the pending action named in words with one POST button to run it (a
 *   state-changing step never happens on a GET).
 */
import type { FactorView } from '../../core/account/api.js';
import type { RecoveryMethod } from '../../core/ports.js';
import { ACCOUNT_PATHS } from '../../http/account/paths.js';
import { codeField, pushNumber, radioChoice, resendForm } from '../fragments.js';
import { html } from '../html.js';
import { csrfField, errorSummary, layout, type ViewContext } from '../layout.js';
import { factorLabel } from './account.js';

export type PendingKind = 'enrol' | 'remove' | 'password' | 'none';

export interface StepUpChoosePageProps {
  csrfToken: string;
  factors: readonly FactorView[];
  pending: PendingKind;
  selected?: string | undefined;
  error?: string | undefined;
}

export function stepUpChoosePage(ctx: ViewContext, p: StepUpChoosePageProps): string {
  const t = ctx.t.stepUp;
  const selected = p.selected ?? p.factors[0]?.id;
  const choices = p.factors.map((f) =>
    radioChoice({
      name: 'factorId',
      value: f.id,
      checked: f.id === selected,
      title: factorLabel(ctx.t.account, f.kind),
      desc: f.hint,
    }),
  );
  return layout(ctx, {
    title: t.title,
    body: html`<h1>${t.heading}</h1>
${errorSummary(p.error)}
<p>${t.leads[p.pending]}</p>
${
  p.factors.length === 0
    ? html`<p>${t.noFactor}</p>`
    : html`<form method="post" action="${ctx.href(ACCOUNT_PATHS.verify)}">
${csrfField(p.csrfToken)}
<fieldset>
<legend>${t.legend}</legend>
${choices}
</fieldset>
<div class="actions"><button type="submit">${t.submit}</button></div>
</form>`
}
<div class="actions"><a href="${ctx.href(ACCOUNT_PATHS.home)}">${t.cancel}</a></div>`,
  });
}

export interface StepUpCodePageProps {
  csrfToken: string;
  method: RecoveryMethod;
  factorId: string;
  resendAfterSeconds?: number | undefined;
  error?: string | undefined;
  fieldError?: boolean;
  notice?: string | undefined;
}

export function stepUpCodePage(ctx: ViewContext, p: StepUpCodePageProps): string {
  const t = ctx.t.stepUp;
  const c = ctx.t.code;
  const invalid = p.fieldError === true;
  const canResend = p.method === 'sms' || p.method === 'call';
  const resend = canResend
    ? resendForm(ctx, {
        action: ACCOUNT_PATHS.verify,
        csrfToken: p.csrfToken,
        resendAfterSeconds: p.resendAfterSeconds,
        hidden: { name: 'factorId', value: p.factorId },
        method: p.method,
      })
    : '';
  return layout(ctx, {
    title: c.title,
    scripts: canResend ? ['countdown.js'] : [],
    body: html`<h1>${c.heading}</h1>
${errorSummary(p.error, [], invalid ? 'code' : undefined)}
${p.notice ? html`<p class="notice" role="status">${p.notice}</p>` : ''}
<p>${t.codeLeads[p.method]}</p>
<form method="post" action="${ctx.href(ACCOUNT_PATHS.verifyCode)}" novalidate>
${csrfField(p.csrfToken)}
${codeField(ctx, invalid, p.error)}
<div class="actions"><button type="submit">${c.submit}</button></div>
</form>
${resend}
<div class="actions"><a href="${ctx.href(ACCOUNT_PATHS.verify)}">${t.otherMethod}</a>
<a href="${ctx.href(ACCOUNT_PATHS.home)}">${t.cancel}</a></div>`,
  });
}

export interface StepUpPushPageProps {
  state: 'waiting' | 'rejected' | 'expired';
  correctAnswer: number | null;
}

export function stepUpPushPage(ctx: ViewContext, p: StepUpPushPageProps): string {
  const t = ctx.t.push;
  const s = ctx.t.stepUp;
  const next = (id?: string) => html`<p>${s.nextStep}</p>
<div class="actions"><a class="button"${id ? html` id="${id}"` : ''} href="${ctx.href(ACCOUNT_PATHS.verify)}">${s.otherMethod}</a>
<a href="${ctx.href(ACCOUNT_PATHS.home)}">${s.cancel}</a></div>`;
  if (p.state !== 'waiting') {
    return layout(ctx, {
      title: t.title,
      body: html`<h1>${t.heading}</h1>
${errorSummary(p.state === 'rejected' ? t.rejected : t.expired)}
${next()}`,
    });
  }
  return layout(ctx, {
    title: t.title,
    scripts: ['push.js'],
    body: html`<h1>${t.heading}</h1>
<div class="alert" role="alert" id="push-alert"></div>
<div id="push-live" data-push-events-url="${ctx.href(ACCOUNT_PATHS.verifyEvents)}"
 data-push-status-url="${ctx.href(ACCOUNT_PATHS.verifyStatus)}" data-push-next-url="${ctx.href(ACCOUNT_PATHS.continue)}"
 data-text-approved="${t.approved}" data-text-rejected="${t.rejected}" data-text-expired="${t.expired}">
<div id="push-waiting">
${pushNumber(t, p.correctAnswer)}
<p class="status muted" role="status" id="push-status"><span class="spinner" aria-hidden="true"></span>${t.waiting}</p>
<p class="muted" id="push-live-note" hidden>${t.live}</p>
</div>
</div>
<div id="push-next" hidden>
${next('push-next-action')}
</div>
<div class="actions" id="push-check">
<div id="push-check-again"><form method="get" action="${ctx.href(ACCOUNT_PATHS.verifyPush)}"><button type="submit" class="secondary">${t.checkAgain}</button></form></div>
<a href="${ctx.href(ACCOUNT_PATHS.verify)}">${s.otherMethod}</a>
</div>`,
  });
}

export interface ContinuePageProps {
  csrfToken: string;
  kind: 'enrol' | 'remove';
  /** What the action is about, in words ("Voice call"). */
  what: string;
}

export function continuePage(ctx: ViewContext, p: ContinuePageProps): string {
  const t = ctx.t.stepUp;
  return layout(ctx, {
    title: t.continueTitle,
    body: html`<h1>${t.continueHeading}</h1>
<p>${t.continueLeads[p.kind](p.what)}</p>
<form method="post" action="${ctx.href(ACCOUNT_PATHS.continue)}">
${csrfField(p.csrfToken)}
<div class="actions"><button type="submit" autofocus>${t.continueSubmit}</button>
<a href="${ctx.href(ACCOUNT_PATHS.home)}">${t.cancel}</a></div>
</form>`,
  });
}
