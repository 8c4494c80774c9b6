/**
 * GET /recover/method : the offered methods as radio buttons (works without JavaScript). With the operator option
 * SHOW_ENROLLED_METHODS the offers carry masked hints ("+1 ••• ••• 0100"), shown after the method's description.
 * - Nothing is preselected: a preselected method sent users without it to a code page waiting for nothing. The radios
 *   are `required` (the browser asks before sending) and the server answers an empty choice with a field error.
 * - The method that last worked on this device (a cookie holding only the method's name) is offered first and
 *   marked as such; it is still not preselected.
 * - Two-method flows (policies by group): "Step 2 of 2" with its own heading once the first factor is verified
 *   (and "Step 1 of 2" only when the core tells it, i.e. with SHOW_ENROLLED_METHODS: otherwise step 1 looks the
 *   same for every login).
 */
import type { MethodOffer, Progress } from '../../core/recovery/api.js';
import type { RecoveryMethod } from '../../core/ports.js';
import { PATHS } from '../../http/paths.js';
import { radioChoice } from '../fragments.js';
import { html } from '../html.js';
import { csrfField, errorSummary, layout, type Message, type ViewContext } from '../layout.js';

export interface MethodPageProps {
  csrfToken: string;
  methods: readonly MethodOffer[];
  selected?: RecoveryMethod | undefined;
  /** The method that last worked on this device, offered first. */
  remembered?: RecoveryMethod | undefined;
  error?: Message | undefined;
  /** The error is about the choice itself (none chosen). */
  fieldError?: boolean;
  /** A two-method flow's progress, when the core gives it. */
  progress?: Progress | undefined;
}

/** "Step 2 of 2" (a status line under the heading), or nothing. */
export function progressLine(ctx: ViewContext, p: Progress | undefined) {
  return p ? html`<p class="muted" id="progress">${ctx.t.method.progress(p.step, p.steps)}</p>` : '';
}

export function methodPage(ctx: ViewContext, p: MethodPageProps): string {
  const t = ctx.t.method;
  const remembered = p.remembered;
  const ordered = remembered && p.methods.some((m) => m.method === remembered)
    ? [...p.methods.filter((m) => m.method === remembered), ...p.methods.filter((m) => m.method !== remembered)]
    : p.methods;
  const invalid = p.fieldError === true;
  const second = p.progress !== undefined && p.progress.step > 1;
  const choices = ordered.map((m, i) =>
    radioChoice({
      name: 'method',
      value: m.method,
      checked: m.method === p.selected,
      required: true,
      id: i === 0 ? 'method-first' : undefined,
      title: t.labels[m.method],
      badge: m.method === remembered ? ctx.t.guide.lastUsed : undefined,
      errorId: invalid ? 'method-error' : undefined,
      desc: m.hint ? t.hint(t.descriptions[m.method], m.hint) : t.descriptions[m.method],
    }),
  );
  return layout(ctx, {
    title: t.title,
    body: html`<h1>${second ? t.secondHeading : t.heading}</h1>
${progressLine(ctx, p.progress)}
${second ? html`<p>${t.secondLead}</p>` : ''}
${errorSummary(p.error, [], invalid ? 'method-first' : undefined)}
${
  p.methods.length === 0
    ? html`<p>${second ? t.secondNone : t.none}</p>`
    : html`<form method="post" action="${ctx.href(PATHS.method)}">
${csrfField(p.csrfToken)}
<fieldset>
<legend>${t.legend}</legend>
${invalid ? html`<span class="field-error" id="method-error">${p.error}</span>` : ''}
${choices}
</fieldset>
<div class="actions"><button type="submit">${t.submit}</button></div>
</form>`
}
<form method="post" action="${ctx.href(PATHS.cancel)}">
${csrfField(p.csrfToken)}
<div class="actions"><button type="submit" class="secondary">${ctx.t.common.startAgain}</button></div>
</form>`,
  });
}
