/**
 * Page fragments shared by the recovery pages and the account pages.
 * Rules:
 * - Each fragment keeps the element ids and data-* attributes the browser scripts rely on (countdown.js reads
 *   #resend-wait / #resend-button / #resend-ready; push.js reads #push-number), so a page only supplies its paths
 *   and words. The push pages' #push-live block stays in each page: its content and ways on differ per page.
 * - No fragment writes a <form> of its own except the resend form; the page decides the action and the buttons.
 */
import type { RecoveryMethod } from '../core/ports.js';
import { PATHS } from '../http/paths.js';
import { html, type SafeHtml } from './html.js';
import type { Messages } from './i18n/en.js';
import { csrfField, type Message, type ViewContext } from './layout.js';

/** "You can ask for a new code in 30 seconds." with the seconds formatted (and pluralised) by Intl in `lang`. */
function resendIn(t: Messages['code'], lang: string, seconds: number): string {
  return t.resendIn.replace('{n}', new Intl.NumberFormat(lang, { style: 'unit', unit: 'second', unitDisplay: 'long' }).format(seconds));
}

/** The labelled one-time-code field of every code form (recovery, step-up, activation). */
export function codeField(ctx: ViewContext, invalid: boolean, error: Message | undefined): SafeHtml {
  const c = ctx.t.code;
  return html`<div class="field">
<label for="code">${c.label}</label>
<span class="hint" id="code-hint">${c.hint}</span>
${invalid ? html`<span class="field-error" id="code-error">${error}</span>` : ''}
<input type="text" class="code" id="code" name="code" inputmode="numeric" autocomplete="one-time-code"
 maxlength="20" spellcheck="false" autocapitalize="none" required autofocus
 aria-describedby="code-hint${invalid ? ' code-error' : ''}"${invalid ? html` aria-invalid="true"` : ''}>
</div>`;
}

/**
 * "Send a new code" with the seconds until it is allowed (the server's value, rounded up; countdown.js counts it
 * down, and without JavaScript the text says how long to wait). `hidden` is the form's extra hidden input, if any.
 */
export function resendForm(
  ctx: ViewContext,
  p: {
    action: string;
    csrfToken: string;
    resendAfterSeconds: number | undefined;
    hidden?: { name: string; value: string };
    /** A voice call's button says "Call me again". */
    method?: string | undefined;
  },
): SafeHtml {
  const c = ctx.t.code;
  const wait = Math.max(0, Math.ceil(p.resendAfterSeconds ?? 0));
  const hidden = p.hidden ? html`<input type="hidden" name="${p.hidden.name}" value="${p.hidden.value}">\n` : '';
  return html`<form method="post" action="${ctx.href(p.action)}" class="resend">
${csrfField(p.csrfToken)}
${hidden}<p class="muted" id="resend-wait" data-countdown="${wait}" data-countdown-for="resend-button"
 data-countdown-announce="resend-ready" data-text-wait="${c.resendIn}" data-lang="${ctx.t.lang}"
 data-text-ready="${c.resendReady}">${wait > 0 ? resendIn(c, ctx.t.lang, wait) : c.resendReady}</p>
<p class="vh" id="resend-ready" role="status"></p>
<button type="submit" class="secondary" id="resend-button" aria-describedby="resend-wait">${p.method === 'call' ? c.resendCall : c.resend}</button>
</form>`;
}

/** One radio button of a choice list (a method, a factor), with its description when there is one. */
export function radioChoice(p: {
  name: string;
  value: string;
  checked: boolean;
  title: string;
  desc?: string | null | undefined;
  required?: boolean;
  id?: string | undefined;
  /** A short tag after the title ("Worked last time on this device"). */
  badge?: string | undefined;
  /** The id of the error describing this choice, when the choice is in error. */
  errorId?: string | undefined;
}): SafeHtml {
  return html`<label class="choice">
<input type="radio" name="${p.name}" value="${p.value}"${p.id ? html` id="${p.id}"` : ''}${p.checked ? html` checked` : ''}${p.required ? html` required` : ''}${p.errorId ? html` aria-invalid="true" aria-describedby="${p.errorId}"` : ''}>
<span><span class="title">${p.title}</span>${p.badge ? html` <span class="badge ok">${p.badge}</span>` : ''}
${p.desc ? html`<span class="desc">${p.desc}</span>` : ''}</span>
</label>`;
}

/** The number to tap in Okta Verify, or the words for a push without number matching. */
export function pushNumber(t: Messages['push'], correctAnswer: number | null): SafeHtml {
  return correctAnswer === null
    ? html`<p>${t.noNumber}</p>`
    : html`<p>${t.number}</p>
<p class="number" id="push-number">${correctAnswer}</p>`;
}

/** Seconds on a code or push page before the "No code yet?" hint appears. */
export const DELAY_HINT_SECONDS = 45;

/**
 * "No code yet?": revealed by /assets/focus.js after DELAY_HINT_SECONDS unless a code was typed
 * (data-reveal-unless names the field), and announced once through its own status region. Without JavaScript a
 * <noscript> line says the same. Nothing in it depends on the account (no oracle).
 */
export function delayHint(ctx: ViewContext, method: RecoveryMethod, unlessField = 'code'): SafeHtml {
  const g = ctx.t.guide;
  return html`<div class="notice delay" id="delay-hint" hidden data-reveal-after="${DELAY_HINT_SECONDS}"
 data-reveal-unless="${unlessField}" data-reveal-announce="delay-announce">
<p><strong>${g.delayedHeading}</strong> ${g.delayed[method]}</p>
<p><a href="${ctx.href(PATHS.method)}" id="delay-other">${g.delayedAction}</a></p>
</div>
<p class="vh" role="status" id="delay-announce"></p>
<noscript><p class="muted">${g.noScriptDelayed}</p></noscript>`;
}
