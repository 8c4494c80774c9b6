/**
 * GET /account : "My security methods" for the signed-in user.
 * - A recovery-readiness panel: how many active methods can reset the password, with a warning when there is none,
 *   only email, or a single one (core/account/readiness.ts).
 * - The user's factors as a list (method, masked phone or e-mail, status) with a Remove button each; the button's
 *   accessible name names the method ("Remove Voice call"). It opens the removal confirmation (a GET form: nothing
 *   is removed before the user confirms there). A set-up left pending offers "Continue set-up".
 * - "Add a method": one small form per kind the user does not have active yet (Okta allows one of each), so it
 *   works without JavaScript; SMS and voice carry a country select and a phone field (national or international
 *   format, ../../http/account/phone.ts), both labelled, with a format hint.
 * - "Password": the way to the change-password form; a sign-out button (POST, CSRF) under the heading.
 * - Outcomes of the previous step arrive as a fixed notice (role="status"); errors in the role="alert" summary.
 */
import type { FactorKind, FactorView } from '../../core/account/api.js';
import type { Readiness } from '../../core/account/readiness.js';
import type { RecoveryMethod } from '../../core/ports.js';
import { ACCOUNT_PATHS, AUTH_PATHS } from '../../http/account/paths.js';
import { html, type SafeHtml } from '../html.js';
import type { Messages } from '../i18n/en.js';
import { csrfField, errorSummary, layout, type ViewContext } from '../layout.js';

export interface CountryChoice {
  code: string;
  name: string;
  callingCode: string;
}

export interface AccountPageProps {
  csrfToken: string;
  who: string;
  factors: readonly FactorView[];
  /** The kinds the operator lets users set up, in display order. */
  methods: readonly RecoveryMethod[];
  notice?: string | undefined;
  error?: string | undefined;
  /** A refused phone number: which form it belongs to, and the values to show again. */
  phoneError?: { method: 'sms' | 'call'; value: string; country?: string | undefined; message: string } | undefined;
  readiness: Readiness;
  /** The country select's options and the preselected one. */
  countries: readonly CountryChoice[];
  country: string;
  /** Kinds whose pending set-up can be continued from here ("Continue set-up"). */
  resumable: readonly RecoveryMethod[];
}

export function factorLabel(t: Messages['account'], kind: FactorKind): string {
  return t.kinds[kind];
}

export function statusLabel(t: Messages['account'], status: string): string {
  if (status === 'ACTIVE') return t.status.active;
  if (status === 'PENDING_ACTIVATION') return t.status.pending;
  return t.status.other;
}

function details(f: FactorView): string {
  if (f.hint) return f.hint;
  return f.kind === 'other' ? `${f.factorType} · ${f.provider}` : '';
}

const canResume = (p: { resumable: readonly RecoveryMethod[] }, f: FactorView): boolean =>
  f.status !== 'ACTIVE' && (p.resumable as readonly string[]).includes(f.kind);

/** The sign-out form, shown on every account page under the heading. */
export function whoAmI(ctx: ViewContext, csrfToken: string, who: string): SafeHtml {
  return html`<form method="post" action="${ctx.href(AUTH_PATHS.signOut)}" class="whoami">
${csrfField(csrfToken)}
<p class="muted">${ctx.t.account.signedInAs(who)}</p>
<button type="submit" class="link">${ctx.t.signIn.signOut}</button>
</form>`;
}

function factorItem(ctx: ViewContext, p: AccountPageProps, f: FactorView): SafeHtml {
  const t = ctx.t.account;
  const label = factorLabel(t, f.kind);
  const info = details(f);
  return html`<li class="factor">
<div class="factor-info"><span class="title">${label}</span>
${info ? html`<span class="desc">${info}</span>` : ''}
<span class="badge${f.status === 'ACTIVE' ? ' ok' : ''}">${statusLabel(t, f.status)}</span></div>
<div class="factor-actions">
${
  canResume(p, f)
    ? html`<form method="post" action="${ctx.href(ACCOUNT_PATHS.enrolResume)}">
${csrfField(p.csrfToken)}
<input type="hidden" name="method" value="${f.kind}">
<button type="submit">${t.resume}<span class="vh"> ${label}</span></button>
</form>`
    : ''
}
<form method="get" action="${ctx.href(ACCOUNT_PATHS.remove)}">
<input type="hidden" name="factor" value="${f.id}">
<button type="submit" class="secondary">${t.remove}<span class="vh"> ${label}</span></button>
</form>
</div>
</li>`;
}

/** The recovery-readiness panel: a status for two or more methods, a warning otherwise. */
function readinessPanel(ctx: ViewContext, r: Readiness): SafeHtml {
  const t = ctx.t.account.readiness;
  const text = r.level === 'ready' ? t.ready(r.recoveryMethods) : t[r.level];
  return html`<section class="readiness ${r.level === 'ready' ? 'ok' : 'warn'}" id="readiness" aria-labelledby="readiness-heading">
<h2 id="readiness-heading">${t.heading}</h2>
<p>${text}</p>
${r.level === 'ready' ? '' : html`<p><a href="#add-heading">${t.addLink}</a></p>`}
</section>`;
}

function addForm(ctx: ViewContext, p: AccountPageProps, method: RecoveryMethod): SafeHtml {
  const t = ctx.t.account;
  const label = t.kinds[method];
  const phone = method === 'sms' || method === 'call';
  const err = p.phoneError && p.phoneError.method === method ? p.phoneError : undefined;
  const id = `phone-${method}`;
  const chosen = err?.country ?? p.country;
  return html`<section class="add" aria-labelledby="add-${method}-title">
<h3 id="add-${method}-title">${label}</h3>
<p class="muted">${t.addDescriptions[method]}</p>
<form method="post" action="${ctx.href(ACCOUNT_PATHS.enrol)}" novalidate>
${csrfField(p.csrfToken)}
<input type="hidden" name="method" value="${method}">
${
  phone
    ? html`<div class="field">
<label for="${id}-country">${t.countryLabel}</label>
<select id="${id}-country" name="country" autocomplete="country">
${p.countries.map((c) => html`<option value="${c.code}"${c.code === chosen ? html` selected` : ''}>${c.name} (+${c.callingCode})</option>`)}
</select>
</div>
<div class="field">
<label for="${id}">${t.phoneLabel}</label>
<span class="hint" id="${id}-hint">${t.phoneHint}</span>
${err ? html`<span class="field-error" id="${id}-error">${err.message}</span>` : ''}
<input type="tel" id="${id}" name="phoneNumber" autocomplete="tel-national" inputmode="tel" maxlength="32" dir="ltr" required
 value="${err?.value ?? ''}" aria-describedby="${id}-hint${err ? ` ${id}-error` : ''}"${err ? html` aria-invalid="true"` : ''}>
</div>`
    : ''
}
<button type="submit">${t.add}<span class="vh"> ${label}</span></button>
</form>
</section>`;
}

export function accountPage(ctx: ViewContext, p: AccountPageProps): string {
  const t = ctx.t.account;
  // A pending factor that cannot be continued from here is set up again through its "Add" form.
  const have = new Set<FactorKind>(p.factors.filter((f) => f.status === 'ACTIVE' || canResume(p, f)).map((f) => f.kind));
  const addable = p.methods.filter((m) => !have.has(m));
  return layout(ctx, {
    title: t.title,
    body: html`<h1>${t.heading}</h1>
${whoAmI(ctx, p.csrfToken, p.who)}
${p.notice ? html`<p class="notice" role="status">${p.notice}</p>` : ''}
${errorSummary(p.phoneError ? p.phoneError.message : p.error, [], p.phoneError ? `phone-${p.phoneError.method}` : undefined)}
${readinessPanel(ctx, p.readiness)}
<h2 id="methods-heading">${t.methodsHeading}</h2>
${
  p.factors.length === 0
    ? html`<p>${t.none}</p>`
    : html`<ul class="factors" aria-labelledby="methods-heading">
${p.factors.map((f) => factorItem(ctx, p, f))}
</ul>`
}
<h2 id="add-heading">${t.addHeading}</h2>
${addable.length === 0 ? html`<p>${t.allSet}</p>` : html`<p class="muted">${t.addLead}</p>${addable.map((m) => addForm(ctx, p, m))}`}
<h2 id="password-heading">${t.passwordHeading}</h2>
<p>${t.passwordLead}</p>
<div class="actions"><a class="button secondary" href="${ctx.href(ACCOUNT_PATHS.password)}">${t.passwordLink}</a></div>`,
  });
}

export interface RemoveConfirmPageProps {
  csrfToken: string;
  who: string;
  factor: FactorView;
  /** It is the last active method that can reset the password: the second confirmation is required. */
  lastRecovery: boolean;
  /** The acknowledgement was missing on the previous try. */
  missingAck?: boolean;
}

/**
 * GET /account/factors/remove?factor=ID : "Remove Voice call (+1 ••• 0100)?" with Remove and "Keep it". For the last
 * method that can reset the password, it says what will no longer work and asks for an explicit acknowledgement
 * (a checkbox the server checks, so it holds without JavaScript).
 */
export function removeConfirmPage(ctx: ViewContext, p: RemoveConfirmPageProps): string {
  const t = ctx.t.account.removeConfirm;
  const label = factorLabel(ctx.t.account, p.factor.kind);
  const what = p.factor.hint ? `${label} (${p.factor.hint})` : label;
  return layout(ctx, {
    title: t.title,
    body: html`<h1>${t.heading(what)}</h1>
${whoAmI(ctx, p.csrfToken, p.who)}
${p.missingAck ? errorSummary(t.ackMissing, [], 'understood') : ''}
<p>${t.lead}</p>
<form method="post" action="${ctx.href(ACCOUNT_PATHS.remove)}" novalidate>
${csrfField(p.csrfToken)}
<input type="hidden" name="factorId" value="${p.factor.id}">
<input type="hidden" name="confirm" value="yes">
${
  p.lastRecovery
    ? html`<div class="warn-box" id="last-method">
<p><strong>${t.lastHeading}</strong></p>
<ul>${t.lastConsequences.map((c) => html`<li>${c}</li>`)}</ul>
</div>
<div class="field check">
${p.missingAck ? html`<span class="field-error" id="understood-error">${t.ackMissing}</span>` : ''}
<span class="check-row"><input type="checkbox" id="understood" name="understood" value="yes" required
 aria-describedby="last-method${p.missingAck ? ' understood-error' : ''}"${p.missingAck ? html` aria-invalid="true"` : ''}>
<label for="understood">${t.ack}</label></span>
</div>`
    : ''
}
<div class="actions"><button type="submit" class="danger">${t.confirm}<span class="vh"> ${label}</span></button>
<a class="button secondary" href="${ctx.href(ACCOUNT_PATHS.home)}">${t.keep}</a></div>
</form>`,
  });
}
