/**
 * GET /recover/method : the offered methods as radio buttons (works without JavaScript). With the operator option
 * SHOW_ENROLLED_METHODS the offers carry masked hints ("+1 ••• ••• 0100"), shown after the method's description.
 */
import type { MethodOffer } from '../../core/recovery/api.js';
import type { RecoveryMethod } from '../../core/ports.js';
import { PATHS } from '../../http/paths.js';
import { radioChoice } from '../fragments.js';
import { html } from '../html.js';
import { csrfField, errorSummary, layout, type ViewContext } from '../layout.js';

export interface MethodPageProps {
  csrfToken: string;
  methods: readonly MethodOffer[];
  selected?: RecoveryMethod | undefined;
  error?: string | undefined;
}

export function methodPage(ctx: ViewContext, p: MethodPageProps): string {
  const t = ctx.t.method;
  const selected = p.selected ?? p.methods[0]?.method;
  const choices = p.methods.map((m) =>
    radioChoice({
      name: 'method',
      value: m.method,
      checked: m.method === selected,
      title: t.labels[m.method],
      desc: m.hint ? t.hint(t.descriptions[m.method], m.hint) : t.descriptions[m.method],
    }),
  );
  return layout(ctx, {
    title: t.title,
    body: html`<h1>${t.heading}</h1>
${errorSummary(p.error)}
${
  p.methods.length === 0
    ? html`<p>${t.none}</p>`
    : html`<form method="post" action="${ctx.href(PATHS.method)}">
${csrfField(p.csrfToken)}
<fieldset>
<legend>${t.legend}</legend>
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
