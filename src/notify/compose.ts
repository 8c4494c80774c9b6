/**
 * The notification and alert messages, in the user's language (src/views/i18n), as text and HTML.
 * Rules: the HTML part says exactly what the text part says, every value escaped (src/views/html.ts); no images, no
 * remote resources, no tracking pixels and no tracked links (the only link is the "This wasn't me" link, which points
 * at the portal itself); times are UTC, written out in the message's language; the browser is the User-Agent as the
 * request sent it, trimmed.
 */
import type { SecurityNotice } from '../core/ports.js';
import type { SecurityAlert } from '../core/report.js';
import { CATALOGUES, isLanguage, type Language, type Messages } from '../views/i18n/index.js';
import { html, type SafeHtml } from '../views/html.js';

export interface Composed {
  subject: string;
  text: string;
  html: string;
}

export interface ComposeOptions {
  orgName: string;
  defaultLanguage: Language;
  reportLinkTtlHours: number;
}

function catalogue(lang: string | undefined, fallback: Language): { lang: Language; t: Messages } {
  const l = isLanguage(lang) ? lang : fallback;
  return { lang: l, t: CATALOGUES[l] };
}

export function formatWhen(lang: Language, at: number): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return '';
  return `${new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(d)} UTC`;
}

/** A header-safe, single-line, bounded piece of client input (User-Agent). */
function oneLine(v: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  return v.replace(/[\x00-\x1f\x7f\u2028\u2029]+/g, ' ').trim().slice(0, max);
}

function page(lang: Language, title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body>
${body}
</body>
</html>
`.value;
}

/** The message telling the user what happened, with the "This wasn't me" link (null: no link). */
export function composeNotice(notice: SecurityNotice, link: string | null, opts: ComposeOptions): Composed {
  const { lang, t } = catalogue(notice.ctx.language, opts.defaultLanguage);
  const m = t.mail;
  const subject = m.subjects[notice.kind];
  const rows: Array<[string, string]> = [
    [m.when, formatWhen(lang, notice.at)],
    [m.ip, oneLine(notice.ctx.ip) || m.unknown],
    [m.browser, oneLine(notice.ctx.userAgent) || m.unknown],
  ];
  if (notice.method) rows.push([m.method, t.method.labels[notice.method]]);
  const textLines = [
    m.greeting(notice.login),
    '',
    m.events[notice.kind],
    '',
    ...rows.map(([k, v]) => m.field(k, v)),
    '',
    m.ifYou,
    ...(link === null ? [] : ['', m.notYou, m.field(m.notYouLink, link), m.linkRules(opts.reportLinkTtlHours)]),
    '',
    '-- ',
    m.footer(opts.orgName),
    '',
  ];
  const body = html`<p>${m.greeting(notice.login)}</p>
<p>${m.events[notice.kind]}</p>
<table role="presentation">
${rows.map(([k, v]) => html`<tr><th scope="row" align="left">${k}</th><td>${v}</td></tr>
`)}</table>
<p>${m.ifYou}</p>
${link === null ? '' : html`<p>${m.notYou}</p>
<p><a href="${link}">${m.notYouLink}</a></p>
<p>${m.linkRules(opts.reportLinkTtlHours)}</p>
`}<hr>
<p>${m.footer(opts.orgName)}</p>`;
  return { subject, text: textLines.join('\n'), html: page(lang, subject, body) };
}

/** The alert to the security address, in the portal's default language. */
export function composeAlert(alert: SecurityAlert, opts: ComposeOptions): Composed {
  const { lang, t } = catalogue(opts.defaultLanguage, opts.defaultLanguage);
  const m = t.mail;
  const rows: Array<[string, string]> = [
    [m.alertEvent, `${m.subjects[alert.event]} · ${formatWhen(lang, alert.eventAt)} · ${oneLine(alert.eventIp)} · ${oneLine(alert.eventUserAgent)}`],
    [m.alertReport, `${formatWhen(lang, alert.reportedAt)} · ${oneLine(alert.reportIp)} · ${oneLine(alert.reportUserAgent)}`],
    [m.alertActions, `${alert.sessionsEnded ? m.alertSessions : m.alertSessionsFailed} ${alert.suspended ? m.alertSuspended : m.alertNotSuspended}`],
  ];
  const subject = m.alertSubject(alert.login);
  const text = [m.alertLead(alert.login), `(${alert.userId})`, '', ...rows.map(([k, v]) => m.field(k, v)), '', '-- ', m.footer(opts.orgName), ''].join('\n');
  const body = html`<p>${m.alertLead(alert.login)} (${alert.userId})</p>
<table role="presentation">
${rows.map(([k, v]) => html`<tr><th scope="row" align="left">${k}</th><td>${v}</td></tr>
`)}</table>
<hr>
<p>${m.footer(opts.orgName)}</p>`;
  return { subject, text, html: page(lang, subject, body) };
}
