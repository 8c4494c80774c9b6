// Server-rendered pages of the emulated sign-in: password, MFA (authenticator code or SMS code), sign-out confirmation,
// signed-out and error pages, and their one stylesheet. Rules: no script and no inline style anywhere (the pages are
// served with a CSP of default-src 'none'); no external assets; every input has a <label>; messages are in role=alert
// or role=status regions; every interpolated value is escaped by the `html` tag (phone/html.ts); pages never echo a
// password or a code.
import { html, SafeHtml, type HtmlValue } from '../phone/html.js';
import { LOGIN_CSS_PATH } from './paths.js';

/** Content-Security-Policy for every OIDC page. form-action is widened to the origins a form may redirect to. */
export function pageCsp(formTargets: string[] = []): string {
  const targets = [...new Set(formTargets)].join(' ');
  return (
    `default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'; ` +
    `form-action 'self'${targets ? ' ' + targets : ''}`
  );
}

export function pageHeaders(formTargets: string[] = []): Record<string, string> {
  return {
    'content-security-policy': pageCsp(formTargets),
    'cache-control': 'no-store',
    pragma: 'no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-type': 'text/html; charset=utf-8',
  };
}

function layout(title: string, orgName: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${orgName}</title>
<link rel="stylesheet" href="${LOGIN_CSS_PATH}">
</head>
<body>
<main class="card">
<p class="org">${orgName} <span class="tag">emulator</span></p>
${body}
</main>
</body>
</html>
`.value;
}

function alert(error: string | null | undefined): HtmlValue {
  return error ? html`<p class="error" role="alert" id="form-error">${error}</p>` : null;
}

function status(notice: string | null | undefined): HtmlValue {
  return notice ? html`<p class="notice" role="status">${notice}</p>` : null;
}

export interface LoginView {
  orgName: string;
  clientName: string;
  action: string;
  cancelAction: string;
  username?: string;
  error?: string | null;
}

export function loginPage(v: LoginView): string {
  const described = v.error ? 'form-error' : null;
  return layout(
    'Sign in',
    v.orgName,
    html`<h1>Sign in</h1>
<p>to continue to <strong>${v.clientName}</strong></p>
${alert(v.error)}
<form method="post" action="${v.action}" novalidate>
<div class="field"><label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="100" value="${v.username ?? ''}"${described ? html` aria-describedby="${described}"` : null}${v.username ? null : html` autofocus`}></div>
<div class="field"><label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256"${described ? html` aria-describedby="${described}"` : null}${v.username ? html` autofocus` : null}></div>
<button type="submit">Sign in</button>
</form>
<form method="post" action="${v.cancelAction}"><button type="submit" class="link">Cancel and return to the application</button></form>`,
  );
}

export interface FactorChoice {
  id: string;
  label: string;
}

export interface MfaView {
  orgName: string;
  login: string;
  /** The factor being verified. */
  factor: { id: string; channel: 'totp' | 'sms' | 'call' | 'email'; label: string };
  others: FactorChoice[];
  actions: { verify: string; send: string; choose: string; cancel: string };
  codeSent: boolean;
  notice?: string | null;
  error?: string | null;
}

export function mfaPage(v: MfaView): string {
  const described = v.error ? 'code-hint form-error' : 'code-hint';
  const ch = v.factor.channel;
  const by = ch === 'sms' ? 'by SMS' : ch === 'call' ? 'by a voice call' : 'by email';
  const hint =
    ch === 'totp'
      ? 'Enter the 6-digit code shown in your authenticator app.'
      : v.codeSent
        ? `Enter the 6-digit code we sent ${by}.`
        : `First get a code ${by}, then enter it here.`;
  const sendText = ch === 'call' ? (v.codeSent ? 'Call again' : 'Call me with a code') : v.codeSent ? 'Send another code' : `Send a code ${by}`;
  return layout(
    'Verify it’s you',
    v.orgName,
    html`<h1>Verify it’s you</h1>
<p>Signing in as <strong>${v.login}</strong> with <strong>${v.factor.label}</strong>.</p>
${status(v.notice)}
${alert(v.error)}
${ch !== 'totp'
  ? html`<form method="post" action="${v.actions.send}"><input type="hidden" name="factorId" value="${v.factor.id}"><button type="submit" class="secondary">${sendText}</button></form>`
  : null}
<form method="post" action="${v.actions.verify}" novalidate>
<input type="hidden" name="factorId" value="${v.factor.id}">
<div class="field"><label for="code">Verification code</label>
<p class="hint" id="code-hint">${hint}</p>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus aria-describedby="${described}"></div>
<button type="submit">Verify</button>
</form>
${v.others.length
  ? html`<h2>Use another method</h2>
<ul class="choices">${v.others.map(
      (o) => html`<li><form method="post" action="${v.actions.choose}"><input type="hidden" name="factorId" value="${o.id}"><button type="submit" class="link">${o.label}</button></form></li>`,
    )}</ul>`
  : null}
<form method="post" action="${v.actions.cancel}"><button type="submit" class="link">Cancel and return to the application</button></form>`,
  );
}

export function messagePage(orgName: string, title: string, text: string, detail?: string | null): string {
  return layout(title, orgName, html`<h1>${title}</h1><p role="alert">${text}</p>${detail ? html`<p class="hint">${detail}</p>` : null}`);
}

/** oidc-provider's logout confirmation. `form` is the provider's own hidden form (action and xsrf value, escaped by it). */
export function logoutPage(orgName: string, clientName: string | null, form: string): string {
  return layout(
    'Sign out',
    orgName,
    html`<h1>Sign out</h1>
<p>${clientName ? html`<strong>${clientName}</strong> asks to sign you out of ${orgName}.` : html`Sign out of ${orgName}?`}</p>
${new SafeHtml(form)}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<button type="submit" form="op.logoutForm" class="secondary">Stay signed in here</button>`,
  );
}

export function signedOutPage(orgName: string): string {
  return layout('Signed out', orgName, html`<h1>Signed out</h1><p role="status">You are signed out. You can close this page.</p>`);
}

export const LOGIN_CSS = `*{box-sizing:border-box}
body{margin:0;padding:2rem 1rem;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f4f6;color:#111827}
.card{max-width:26rem;margin:0 auto;background:#fff;border:1px solid #d1d5db;border-radius:.5rem;padding:1.5rem 1.75rem}
.org{margin:0 0 1rem;font-weight:600;color:#374151}
.tag{font-size:.75rem;font-weight:600;background:#fde68a;color:#78350f;border-radius:.25rem;padding:.1rem .4rem;margin-left:.25rem}
h1{font-size:1.5rem;margin:.25rem 0 .5rem}h2{font-size:1.05rem;margin:1.5rem 0 .5rem}
.field{margin:1rem 0}label{display:block;font-weight:600;margin-bottom:.25rem}
input[type=text],input[type=password]{width:100%;font:inherit;padding:.55rem .65rem;border:1px solid #6b7280;border-radius:.375rem}
button{font:inherit;font-weight:600;padding:.55rem 1rem;border-radius:.375rem;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff;cursor:pointer;margin:.25rem 0}
button.secondary{background:#fff;color:#1d4ed8}
button.link{background:none;border:none;color:#1d4ed8;text-decoration:underline;padding:.25rem 0;font-weight:400}
:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.error{background:#fef2f2;border:1px solid #b91c1c;color:#7f1d1d;padding:.5rem .75rem;border-radius:.375rem}
.notice{background:#eff6ff;border:1px solid #1d4ed8;color:#1e3a8a;padding:.5rem .75rem;border-radius:.375rem}
.hint{color:#4b5563;margin:.25rem 0;font-size:.9rem}
.choices{list-style:none;padding:0;margin:0}
`;
