/**
 * The page layout shared by every HTML page.
 * Rules: no inline script or style (the CSP forbids both); scripts are external, same-origin and `defer`;
 * one <h1> per page (the page's own); a skip link; the favicon is `data:,` so browsers make no extra request.
 */
import { ASSETS, type AssetName } from './assets/index.js';
import { html, type SafeHtml } from './html.js';
import { en } from './i18n/en.js';

/** What every page needs from the transport: branding and URL builders (from configuration, never a request). */
export interface ViewContext {
  orgName: string;
  supportUrl: string | undefined;
  /** An internal path under the configured public base path. */
  href(path: string): string;
  requestId: string;
}

export interface Page {
  title: string;
  body: SafeHtml;
  scripts?: AssetName[];
}

export function assetHref(ctx: ViewContext, name: AssetName): string {
  return ctx.href(`/assets/${ASSETS[name].file}`);
}

export function layout(ctx: ViewContext, page: Page): string {
  const scripts = (page.scripts ?? []).map(
    (name) => html`<script src="${assetHref(ctx, name)}" defer></script>`,
  );
  const doc = html`<!doctype html>
<html lang="${en.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${page.title} · ${ctx.orgName}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assetHref(ctx, 'app.css')}">
${scripts}
</head>
<body>
<a class="skip" href="#main">${en.skipToContent}</a>
<header class="site-header"><p class="org">${ctx.orgName}</p></header>
<main id="main">
<div class="card">
${page.body}
</div>
</main>
${ctx.supportUrl ? html`<footer class="site-footer"><a href="${ctx.supportUrl}" rel="noreferrer">${en.common.support}</a></footer>` : ''}
</body>
</html>
`;
  return doc.value;
}

/** The error summary: a role="alert" region with the message (and optional list, e.g. password-policy causes). */
export function errorSummary(message: string | null | undefined, items: readonly string[] = []): SafeHtml {
  if (!message) return html``;
  return html`<div class="alert" role="alert" id="error-summary">
<p><strong>${message}</strong></p>
${items.length > 0 ? html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>` : ''}
</div>`;
}

/** The hidden CSRF field every form carries. */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}
