/**
 * A page that only explains something and offers a way on: flow expired, wrong step, CSRF failure, not found,
 * rate limits, internal errors. The message is from the catalogue (never an internal detail).
 */
import { html } from '../html.js';
import { errorSummary, layout, type Message, type ViewContext } from '../layout.js';

export interface MessageAction {
  href: string;
  label: string;
}

export interface MessagePageProps {
  title: string;
  heading: string;
  message: string;
  /** Shown under the message, e.g. "Try again in 30 seconds." */
  detail?: Message | undefined;
  actions: readonly MessageAction[];
  /** The request id, shown so the user can quote it to support (internal errors). */
  reference?: string | undefined;
}

export function messagePage(ctx: ViewContext, p: MessagePageProps): string {
  return layout(ctx, {
    title: p.title,
    body: html`<h1>${p.heading}</h1>
${errorSummary(p.message)}
${p.detail ? html`<p>${p.detail}</p>` : ''}
${p.reference ? html`<p class="muted">${ctx.t.common.reference(p.reference)}</p>` : ''}
<div class="actions">${p.actions.map(
      (a, i) => html`<a class="${i === 0 ? 'button' : ''}" href="${a.href}">${a.label}</a>`,
    )}</div>`,
  });
}
