/**
 * GET /account : "My security methods" for the signed-in user.
 * - The user's factors as a list (method, masked phone or e-mail, status) with a Remove button each; the button's
 *   accessible name names the method ("Remove Voice call").
 * - "Add a method": one small form per kind the user does not have yet (Okta allows one of each), so it works
 *   without JavaScript; SMS and voice carry an E.164 phone field (type=tel, labelled, with a format hint).
 * - "Password": the way to the change-password form; a sign-out button (POST, CSRF) under the heading.
 * - Outcomes of the previous step arrive as a fixed notice (role="status"); errors in the role="alert" summary.
 */
import type { FactorKind, FactorView } from '../../core/account/api.js';
import type { RecoveryMethod } from '../../core/ports.js';
import { ACCOUNT_PATHS, AUTH_PATHS } from '../../http/account/paths.js';
import { html, type SafeHtml } from '../html.js';
import type { Messages } from '../i18n/en.js';
import { csrfField, errorSummary, layout, type ViewContext } from '../layout.js';

export interface AccountPageProps {
  csrfToken: string;
  who: string;
  factors: readonly FactorView[];
  /** The kinds the operator lets users set up, in display order. */
  methods: readonly RecoveryMethod[];
  notice?: string | undefined;
  error?: string | undefined;
  /** A refused phone number: which form it belongs to, and the value to show again. */
  phoneError?: { method: 'sms' | 'call'; value: string; message: string } | undefined;
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

/** The sign-out form, shown on every account page under the heading. */
export function whoAmI(ctx: ViewContext, csrfToken: string, who: string): SafeHtml {
  return html`<form method="post" action="${ctx.href(AUTH_PATHS.signOut)}" class="whoami">
${csrfField(csrfToken)}
<p class="muted">${ctx.t.account.signedInAs(who)}</p>
<button type="submit" class="link">${ctx.t.signIn.signOut}</button>
</form>`;
}

function factorItem(ctx: ViewContext, csrfToken: string, f: FactorView): SafeHtml {
  const t = ctx.t.account;
  const label = factorLabel(t, f.kind);
  const info = details(f);
  return html`<li class="factor">
<div><span class="title">${label}</span>
${info ? html`<span class="desc">${info}</span>` : ''}
<span class="badge${f.status === 'ACTIVE' ? ' ok' : ''}">${statusLabel(t, f.status)}</span></div>
<form method="post" action="${ctx.href(ACCOUNT_PATHS.remove)}">
${csrfField(csrfToken)}
<input type="hidden" name="factorId" value="${f.id}">
<button type="submit" class="secondary">${t.remove}<span class="vh"> ${label}</span></button>
</form>
</li>`;
}

function addForm(ctx: ViewContext, p: AccountPageProps, method: RecoveryMethod): SafeHtml {
  const t = ctx.t.account;
  const label = t.kinds[method];
  const phone = method === 'sms' || method === 'call';
  const err = p.phoneError && p.phoneError.method === method ? p.phoneError : undefined;
  const id = `phone-${method}`;
  return html`<section class="add" aria-labelledby="add-${method}-title">
<h3 id="add-${method}-title">${label}</h3>
<p class="muted">${t.addDescriptions[method]}</p>
<form method="post" action="${ctx.href(ACCOUNT_PATHS.enrol)}" novalidate>
${csrfField(p.csrfToken)}
<input type="hidden" name="method" value="${method}">
${
  phone
    ? html`<div class="field">
<label for="${id}">${t.phoneLabel}</label>
<span class="hint" id="${id}-hint">${t.phoneHint}</span>
${err ? html`<span class="field-error" id="${id}-error">${err.message}</span>` : ''}
<input type="tel" id="${id}" name="phoneNumber" autocomplete="tel" inputmode="tel" maxlength="32" required
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
  const have = new Set<FactorKind>(p.factors.map((f) => f.kind));
  const addable = p.methods.filter((m) => !have.has(m));
  return layout(ctx, {
    title: t.title,
    body: html`<h1>${t.heading}</h1>
${whoAmI(ctx, p.csrfToken, p.who)}
${p.notice ? html`<p class="notice" role="status">${p.notice}</p>` : ''}
${errorSummary(p.phoneError ? p.phoneError.message : p.error)}
<h2 id="methods-heading">${t.methodsHeading}</h2>
${
  p.factors.length === 0
    ? html`<p>${t.none}</p>`
    : html`<ul class="factors" aria-labelledby="methods-heading">
${p.factors.map((f) => factorItem(ctx, p.csrfToken, f))}
</ul>`
}
<h2 id="add-heading">${t.addHeading}</h2>
${addable.length === 0 ? html`<p>${t.allSet}</p>` : html`<p class="muted">${t.addLead}</p>${addable.map((m) => addForm(ctx, p, m))}`}
<h2 id="password-heading">${t.passwordHeading}</h2>
<p>${t.passwordLead}</p>
<div class="actions"><a class="button secondary" href="${ctx.href(ACCOUNT_PATHS.password)}">${t.passwordLink}</a></div>`,
  });
}
