/**
 * The set-up (enrolment) pages of the account.
 * - SMS / voice: "we sent a code to +1 ••• 0100", the activation code field, "Send a new code" with the cooldown
 *   (/assets/countdown.js counts it down; without JavaScript the text says how long to wait).
 * - Authenticator apps: the QR code (a PNG rendered by the portal from the otpauth:// URI, inline as a data: URI,
 *   which the CSP's img-src allows) with a text alternative, and the secret as text in groups of four for typing,
 *   then the first code activates. The secret is shown once, in the answer to the POST that started the set-up
 *   (the portal never stores it, TOTP-7); a wrong code shows them again from the sealed copy the form carries
 *   (../../http/account/totp-setup.ts); a reload shows the code field with "start again".
 * - Okta Verify push: Okta's QR image; /assets/push.js follows the activation (server-sent events, polling as a
 *   fallback) and opens the account page once active; without JavaScript "Check again" reloads this page.
 * - Every page has "Cancel set-up" (POST): nothing half-enrolled is left behind on purpose.
 */
import { ACCOUNT_PATHS } from '../../http/account/paths.js';
import { codeField, resendForm } from '../fragments.js';
import { html, type SafeHtml } from '../html.js';
import { csrfField, errorSummary, layout, type ViewContext } from '../layout.js';

function cancelForm(ctx: ViewContext, csrfToken: string): SafeHtml {
  return html`<form method="post" action="${ctx.href(ACCOUNT_PATHS.enrolCancel)}">
${csrfField(csrfToken)}
<div class="actions"><button type="submit" class="link">${ctx.t.enrol.cancel}</button></div>
</form>`;
}

function activateForm(ctx: ViewContext, p: { csrfToken: string; error?: string | undefined; fieldError?: boolean; setupToken?: string | null }): SafeHtml {
  return html`<form method="post" action="${ctx.href(ACCOUNT_PATHS.enrolCode)}" novalidate>
${csrfField(p.csrfToken)}
${p.setupToken ? html`<input type="hidden" name="totpSetup" value="${p.setupToken}">` : ''}
${codeField(ctx, p.fieldError === true, p.error)}
<div class="actions"><button type="submit">${ctx.t.enrol.activate}</button></div>
</form>`;
}

export interface EnrolCodePageProps {
  csrfToken: string;
  method: 'sms' | 'call';
  hint: string;
  resendAfterSeconds: number;
  error?: string | undefined;
  fieldError?: boolean;
  notice?: string | undefined;
}

export function enrolCodePage(ctx: ViewContext, p: EnrolCodePageProps): string {
  const t = ctx.t.enrol;
  return layout(ctx, {
    title: t.codeTitle,
    scripts: ['countdown.js'],
    body: html`<h1>${t.codeHeading}</h1>
${errorSummary(p.error)}
${p.notice ? html`<p class="notice" role="status">${p.notice}</p>` : ''}
<p>${t.codeLeads[p.method](p.hint)}</p>
${activateForm(ctx, p)}
${resendForm(ctx, { action: ACCOUNT_PATHS.enrolResend, csrfToken: p.csrfToken, resendAfterSeconds: p.resendAfterSeconds, method: p.method })}
${cancelForm(ctx, p.csrfToken)}`,
  });
}

/** The secret in groups of four ("ABCD EFGH ..."), easier to copy by eye; apps ignore the spaces. */
export function groupSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

export interface EnrolTotpPageProps {
  csrfToken: string;
  method: 'google-authenticator' | 'okta-verify-code';
  app: string;
  /** The secret and its QR code (data:image/png) right after the set-up started; null afterwards (shown once). */
  secret: string | null;
  qrDataUri: string | null;
  /** The sealed QR code / key the activation form carries, so a wrong code keeps them on screen. */
  setupToken?: string | null;
  error?: string | undefined;
  fieldError?: boolean;
}

export function enrolTotpPage(ctx: ViewContext, p: EnrolTotpPageProps): string {
  const t = ctx.t.enrol;
  const restart = html`<form method="post" action="${ctx.href(ACCOUNT_PATHS.enrol)}">
${csrfField(p.csrfToken)}
<input type="hidden" name="method" value="${p.method}">
<div class="actions"><button type="submit" class="secondary">${t.totpRestart}</button></div>
</form>`;
  const body =
    p.secret === null
      ? html`<p>${t.totpEnterCode}</p>
${activateForm(ctx, p)}
<p class="muted">${t.totpShownOnce}</p>
${restart}`
      : html`<ol class="steps">
<li><p>${t.totpOpen(p.app)}</p></li>
<li><p>${t.totpScan}</p>
${p.qrDataUri ? html`<p class="qr"><img src="${p.qrDataUri}" alt="${t.qrAlt}" width="200" height="200"></p>` : ''}
<p>${t.totpManual}</p>
<p class="secret"><span class="vh">${t.keyLabel}: </span><code id="totp-secret">${groupSecret(p.secret)}</code></p></li>
<li><p>${t.totpCode}</p>
${activateForm(ctx, p)}</li>
</ol>`;
  return layout(ctx, {
    title: t.totpTitle(p.app),
    body: html`<h1>${t.totpHeading(p.app)}</h1>
${errorSummary(p.error)}
${body}
${cancelForm(ctx, p.csrfToken)}`,
  });
}

export interface EnrolPushPageProps {
  csrfToken: string;
  state: 'pending' | 'expired';
  qrDataUri: string | null;
}

export function enrolPushPage(ctx: ViewContext, p: EnrolPushPageProps): string {
  const t = ctx.t.enrol;
  const retry = (id?: string) => html`<form method="post" action="${ctx.href(ACCOUNT_PATHS.enrol)}">
${csrfField(p.csrfToken)}
<input type="hidden" name="method" value="push">
<div class="actions"><button type="submit"${id ? html` id="${id}"` : ''}>${t.pushRetry}</button>
<a href="${ctx.href(ACCOUNT_PATHS.home)}">${ctx.t.account.back}</a></div>
</form>`;
  if (p.state === 'expired') {
    return layout(ctx, {
      title: t.pushTitle,
      body: html`<h1>${t.pushHeading}</h1>
${errorSummary(t.pushExpired)}
${retry()}`,
    });
  }
  return layout(ctx, {
    title: t.pushTitle,
    scripts: ['push.js'],
    body: html`<h1>${t.pushHeading}</h1>
<div class="alert" role="alert" id="push-alert"></div>
<div id="push-live" data-push-events-url="${ctx.href(ACCOUNT_PATHS.enrolEvents)}"
 data-push-status-url="${ctx.href(ACCOUNT_PATHS.enrolStatus)}" data-push-next-url="${ctx.href(`${ACCOUNT_PATHS.home}?done=added`)}"
 data-text-approved="${t.pushActive}" data-text-rejected="${t.pushExpired}" data-text-expired="${t.pushExpired}">
<div id="push-waiting">
<p>${t.pushLead}</p>
${p.qrDataUri ? html`<p class="qr"><img src="${p.qrDataUri}" alt="${t.qrAlt}" width="200" height="200"></p>` : html`<p>${t.pushNoQr}</p>`}
<p class="status muted" role="status" id="push-status"><span class="spinner" aria-hidden="true"></span>${t.pushWaiting}</p>
<p class="muted" id="push-live-note" hidden>${t.pushLive}</p>
</div>
</div>
<div id="push-next" hidden>
${retry('push-next-action')}
</div>
<div class="actions" id="push-check">
<div id="push-check-again"><form method="get" action="${ctx.href(ACCOUNT_PATHS.enrolPush)}"><button type="submit" class="secondary">${t.checkAgain}</button></form></div>
</div>
${cancelForm(ctx, p.csrfToken)}`,
  });
}
