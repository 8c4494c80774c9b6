/**
 * The page layout shared by every HTML page.
 * Rules: no inline script or style (the CSP forbids both); scripts are external, same-origin and `defer`;
 * one <h1> per page (the page's own); a skip link; landmarks (banner, main, contentinfo); `<html lang dir>` are the
 * chosen catalogue's language and writing direction (Arabic: rtl; the stylesheet uses logical properties only);
 * the favicon is `data:,` so browsers make no extra request. Branding (logo, theme
 * stylesheet) and the language switch come from the ViewContext, which the transport builds from configuration.
 */
import { ASSETS, type AssetName } from './assets/index.js';
import { html, type SafeHtml } from './html.js';
import { formatDuration } from './i18n/duration.js';
import type { Messages } from './i18n/en.js';

/** A link of the language switch. */
export interface LanguageLink {
  code: string;
  /** The language's own name ("Français"). */
  name: string;
  href: string;
  current: boolean;
}

/** What every page needs from the transport: branding, language and URL builders (never taken from a request). */
export interface ViewContext {
  orgName: string;
  supportUrl: string | undefined;
  /** An internal path under the configured public base path. */
  href(path: string): string;
  requestId: string;
  /** The chosen language's message catalogue. */
  t: Messages;
  /** The language switch (empty or absent: no switch). */
  languages?: readonly LanguageLink[] | undefined;
  /** The operator's logo (served by the portal), if any. */
  logoHref?: string | undefined;
  /** The operator's theme stylesheet (accent colour), if any. */
  themeHref?: string | undefined;
  /** GET /auth/signin when sign-in with Okta is configured (the landing page's "Sign in"), else absent. */
  signInHref?: string | undefined;
  /** Demo mode (the emulator's demo org): a banner on every page says it is not a real org. */
  demo?: boolean | undefined;
}

export interface Page {
  title: string;
  body: SafeHtml;
  scripts?: AssetName[];
}

export function assetHref(ctx: ViewContext, name: AssetName): string {
  return ctx.href(`/assets/${ASSETS[name].file}`);
}

function languageSwitch(ctx: ViewContext): SafeHtml {
  const langs = ctx.languages ?? [];
  if (langs.length < 2) return html``;
  return html`<nav class="langs" aria-label="${ctx.t.header.languages}"><ul>
${langs.map((l) =>
  l.current
    ? html`<li><span lang="${l.code}" aria-current="true">${l.name}</span></li>`
    : html`<li><a href="${l.href}" lang="${l.code}" hreflang="${l.code}">${l.name}</a></li>`,
)}
</ul></nav>`;
}

export function layout(ctx: ViewContext, page: Page): string {
  const t = ctx.t;
  const scripts = ['focus.js' as const, ...(page.scripts ?? [])].map(
    (name) => html`<script src="${assetHref(ctx, name)}" defer></script>`,
  );
  const doc = html`<!doctype html>
<html lang="${t.lang}" dir="${t.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${page.title} · ${ctx.orgName}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assetHref(ctx, 'app.css')}">
${ctx.themeHref ? html`<link rel="stylesheet" href="${ctx.themeHref}">` : ''}
${scripts}
</head>
<body>
<a class="skip" href="#main">${t.skipToContent}</a>
${ctx.demo ? html`<p class="demo-banner" role="note"><strong>${t.demoBanner.label}</strong> ${t.demoBanner.text}</p>` : ''}
<header class="site-header"><div class="brand">${ctx.logoHref ? html`<img class="logo" src="${ctx.logoHref}" alt="">` : ''}<p class="org">${ctx.orgName}</p></div>
${languageSwitch(ctx)}</header>
<main id="main" tabindex="-1">
<div class="card">
${page.body}
<p class="busy muted" id="busy-status" role="status" data-text-busy="${t.guide.busy}" data-text-slow="${t.guide.slow}"></p>
</div>
</main>
${ctx.supportUrl ? html`<footer class="site-footer"><a href="${ctx.supportUrl}" rel="noreferrer">${t.common.support}</a></footer>` : ''}
</body>
</html>
`;
  return doc.value;
}

/**
 * The error summary: a role="alert" region with the message (and optional list, e.g. password-policy causes).
 * With `fieldId`, the message is a link to the field in error (keyboard and screen-reader users jump straight to it).
 */
export function errorSummary(
  message: Message | null | undefined,
  items: readonly string[] = [],
  fieldId?: string,
): SafeHtml {
  if (!message) return html``;
  return html`<div class="alert" role="alert" id="error-summary">
<p><strong>${fieldId ? html`<a href="#${fieldId}">${message}</a>` : message}</strong></p>
${items.length > 0 ? html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>` : ''}
</div>`;
}

/** An error message: plain text, or markup built by `html` (e.g. with a live countdown or a help link). */
export type Message = string | SafeHtml;

/**
 * "Try again in 14 minutes." with the duration counted down live by /assets/focus.js (the element carries the
 * seconds and the language; at zero the sentence becomes `guide.retryNow`). The text is not a live region: the
 * summary around it was announced once; a ticking region would speak every minute.
 */
export function retryNote(ctx: ViewContext, seconds: number): SafeHtml {
  const s = Math.max(1, Math.ceil(seconds));
  const sentence = ctx.t.common.retryAfter(s);
  const duration = formatDuration(ctx.t.lang, s);
  const at = sentence.indexOf(duration);
  const live = html`<span class="countdown" data-retry-seconds="${s}" data-retry-lang="${ctx.t.lang}">${duration}</span>`;
  const body = at < 0 ? html`${sentence}` : html`${sentence.slice(0, at)}${live}${sentence.slice(at + duration.length)}`;
  return html`<span class="retry" data-text-ready="${ctx.t.guide.retryNow}">${body}</span>`;
}

/** The hidden CSRF field every form carries. */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}
