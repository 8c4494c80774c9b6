// Server-side HTML of the emulated phone page (works with JavaScript off).
//
// Rules:
// - Every value goes through the escaping `html` tag; no string concatenation of data into markup.
// - The markup here is mirrored by the browser script (client.ts), which keeps the same elements
//   up to date in place: class names, data-key, data-testid and data-* hooks must stay in step.
// - No inline script or style (the page runs under `default-src 'self'`).
// - Forms post to /_emulator/phone/... (no-JS path); their data-api attribute names the JSON control
//   endpoint the script calls instead.
import { html, type SafeHtml } from './html.js';
import type { PhoneActivation, PhoneAuthenticator, PhoneMail, PhoneMessage, PhonePush, PhoneState, Section } from './state.js';

export const PHONE_BASE = '/_emulator';
export const ASSET_BASE = `${PHONE_BASE}/assets`;

const CHANNEL_LABELS: Record<string, string> = { sms: 'SMS', call: 'Voice call', email: 'Email' };
const PROVIDER_LABELS: Record<string, string> = { GOOGLE: 'Google Authenticator', OKTA: 'Okta Verify' };

/** Outcomes of the no-JS form posts, shown after the 303 back to the page (whitelisted keys only). */
export const RESULT_MESSAGES: Record<string, string> = {
  approved: 'Push approved.',
  'wrong-number': 'That number was wrong: the push was rejected.',
  denied: 'Push denied.',
  activated: 'Okta Verify activated.',
  gone: 'That request no longer exists (it expired or was already answered).',
  error: 'The emulator refused that action.',
};

export function channelLabel(channel: string): string {
  return CHANNEL_LABELS[channel] ?? (channel === '' ? 'Message' : channel.toUpperCase());
}

export function providerLabel(provider: string): string {
  return PROVIDER_LABELS[provider] ?? (provider === '' ? 'Authenticator' : provider);
}

/** "HH:MM:SS UTC" (the emulator's clock may be virtual, so no local time zone guessing). */
export function formatTime(ms: number | null): string {
  if (ms === null) return '';
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function messageText(m: Pick<PhoneMessage, 'channel' | 'text' | 'code'>): string {
  if (m.text !== '') return m.text;
  if (m.code === null || m.code === '') return '';
  if (m.channel === 'call') return `Your verification code is ${m.code.split('').join(' ')}`;
  return `Your verification code is ${m.code}`;
}

const enc = encodeURIComponent;

function sectionParts<T>(name: string, title: string, empty: string, section: Section<T>, item: (x: T) => SafeHtml): SafeHtml {
  return html`<section class="section" id="${name}" aria-labelledby="${name}-h">
<h2 id="${name}-h" tabindex="-1">${title} <span class="count" data-count="${name}">${section.items.length}</span></h2>
<p class="section-error" data-error="${name}"${section.error === null ? html` hidden` : ''}>${section.error === null ? '' : `Could not load: ${section.error}.`}</p>
<p class="empty" data-empty="${name}"${section.items.length > 0 ? html` hidden` : ''}>${empty}</p>
<ul class="cards" data-list="${name}" data-testid="${name}-list">
${section.items.map(item)}</ul>
</section>
`;
}

function messageItem(m: PhoneMessage): SafeHtml {
  const kind = CHANNEL_LABELS[m.channel] ? m.channel : 'other';
  return html`<li class="card msg msg-${kind}" data-key="${m.id}" data-testid="message-${m.id}">
<div class="card-head"><span class="badge badge-${kind}">${channelLabel(m.channel)}</span><span class="who">to ${m.to}</span><time class="time" datetime="${m.sentAt === null ? '' : new Date(m.sentAt).toISOString()}">${formatTime(m.sentAt)}</time></div>
<p class="code" data-testid="message-code-${m.id}"${m.code === null ? html` hidden` : ''}>${m.code ?? ''}</p>
<p class="text">${messageText(m)}</p>
<p class="meta">${m.login === '' ? '' : `For ${m.login}`}</p>
</li>
`;
}

function mailCodeItem(m: PhoneMessage): SafeHtml {
  return html`<li class="card mail mail-code" data-key="${m.id}" data-testid="mail-code-${m.id}">
<div class="card-head"><span class="badge badge-email">Code</span><span class="who">to ${m.to}</span><time class="time" datetime="${m.sentAt === null ? '' : new Date(m.sentAt).toISOString()}">${formatTime(m.sentAt)}</time></div>
<p class="code" data-testid="mail-code-value-${m.id}"${m.code === null ? html` hidden` : ''}>${m.code ?? ''}</p>
<p class="text">${messageText(m)}</p>
</li>
`;
}

/** A received notification: its text as text (never its HTML as markup), its http(s) links as links. */
function mailItem(m: PhoneMail): SafeHtml {
  return html`<li class="card mail mail-note" data-key="${m.id}" data-testid="mail-${m.id}">
<div class="card-head"><span class="badge badge-email">Email</span><span class="who">to ${m.to.join(', ')}</span><time class="time" datetime="${m.receivedAt === null ? '' : new Date(m.receivedAt).toISOString()}">${formatTime(m.receivedAt)}</time></div>
<p class="subject">${m.subject}</p>
<p class="meta">From ${m.from}</p>
<p class="text mail-text">${m.text}</p>
<ul class="links">${m.links.map((l) => html`<li><a href="${l}" data-testid="mail-link">${l}</a></li>`)}</ul>
</li>
`;
}

function mailboxSection(state: PhoneState): SafeHtml {
  const count = state.mailCodes.items.length + state.mail.items.length;
  const error = state.mailCodes.error ?? state.mail.error;
  return html`<section class="section" id="mailbox" aria-labelledby="mailbox-h">
<h2 id="mailbox-h" tabindex="-1">Mailbox <span class="count" data-count="mailbox">${count}</span></h2>
<p class="section-error" data-error="mailbox"${error === null ? html` hidden` : ''}>${error === null ? '' : `Could not load: ${error}.`}</p>
<h3 id="mail-codes-h" tabindex="-1">Codes</h3>
<p class="empty" data-empty="mail-codes"${state.mailCodes.items.length > 0 ? html` hidden` : ''}>No email codes yet.</p>
<ul class="cards" data-list="mail-codes" data-testid="mail-codes-list">
${state.mailCodes.items.map(mailCodeItem)}</ul>
<h3 id="mail-notes-h" tabindex="-1">Notifications</h3>
<p class="empty" data-empty="mail-notes"${state.mail.items.length > 0 ? html` hidden` : ''}>No notifications yet.</p>
<ul class="cards" data-list="mail-notes" data-testid="mail-notes-list">
${state.mail.items.map(mailItem)}</ul>
</section>
`;
}

function pushItem(p: PhonePush, now: number): SafeHtml {
  const tx = p.transactionId;
  const approveApi = `${PHONE_BASE}/push/${enc(tx)}/approve`;
  const rejectApi = `${PHONE_BASE}/push/${enc(tx)}/reject`;
  const approveForm = `${PHONE_BASE}/phone/push/${enc(tx)}/approve`;
  const rejectForm = `${PHONE_BASE}/phone/push/${enc(tx)}/reject`;
  const left = p.expiresAt === null ? null : (p.expiresAt - now) / 1000;
  const who = html`<span class="vh"> request for ${p.login}</span>`;
  const choices = p.numberChoices;
  const approve =
    choices !== null && choices.length > 0
      ? html`<form class="numbers" method="post" action="${approveForm}" data-api="${approveApi}" data-kind="approve">
<fieldset><legend>Tap the number shown on the screen you are using</legend>
${choices.map((n) => html`<button type="submit" class="num" name="answer" value="${n}" data-testid="push-number-${tx}-${n}">${n}</button>`)}
</fieldset></form>`
      : html`<form method="post" action="${approveForm}" data-api="${approveApi}" data-kind="approve"><button type="submit" class="btn btn-primary" data-testid="push-approve-${tx}">Approve${who}</button></form>`;
  return html`<li class="card push" data-key="${tx}" data-testid="push-${tx}">
<div class="card-head"><span class="badge badge-push">Okta Verify</span><span class="who">${p.login}</span><span class="countdown" data-testid="push-countdown-${tx}" data-left="${left === null ? '' : Math.round(left)}">${left === null ? '' : left > 0 ? `Expires in ${formatCountdown(left)}` : 'Expired'}</span></div>
<p class="question">Is this you? Approve only if you are verifying yourself right now.</p>
${approve}
<form method="post" action="${rejectForm}" data-api="${rejectApi}" data-kind="reject"><button type="submit" class="btn btn-danger" data-testid="push-deny-${tx}">Deny${who}</button></form>
</li>
`;
}

function authenticatorItem(a: PhoneAuthenticator): SafeHtml {
  const secs = a.secondsRemaining === null ? null : Math.max(0, Math.round(a.secondsRemaining));
  const period = Math.max(30, secs ?? 0);
  const kind = a.provider === 'GOOGLE' ? 'google' : a.provider === 'OKTA' ? 'okta' : 'other';
  return html`<li class="card totp" data-key="${a.factorId}" data-testid="authenticator-${a.factorId}">
<div class="card-head"><span class="badge badge-${kind}">${providerLabel(a.provider)}</span><span class="who">${a.login}</span><span class="state"${a.status === 'ACTIVE' || a.status === '' ? html` hidden` : ''}>${a.status === 'PENDING_ACTIVATION' ? 'Not activated yet' : a.status}</span></div>
<p class="code" data-testid="authenticator-code-${a.factorId}">${a.code ?? ''}</p>
<div class="ttl"><progress max="${period}" value="${secs ?? 0}" aria-hidden="true"></progress><span class="secs" data-testid="authenticator-seconds-${a.factorId}" data-left="${secs ?? ''}">${secs === null ? '' : `${secs} s left`}</span></div>
</li>
`;
}

function activationItem(a: PhoneActivation): SafeHtml {
  const api = `${PHONE_BASE}/factors/${enc(a.factorId)}/activate`;
  const form = `${PHONE_BASE}/phone/factors/${enc(a.factorId)}/activate`;
  return html`<li class="card activation" data-key="${a.factorId}" data-testid="activation-${a.factorId}">
<div class="card-head"><span class="badge badge-okta">Okta Verify</span><span class="who">${a.login}</span></div>
<p class="text">Finish setting up Okta Verify on this phone.</p>
<form method="post" action="${form}" data-api="${api}" data-kind="activate"><button type="submit" class="btn btn-primary" data-testid="activate-${a.factorId}">Activate<span class="vh"> Okta Verify for ${a.login}</span></button></form>
</li>
`;
}

export function renderPhonePage(state: PhoneState, result: string | null): string {
  const flash = result !== null ? (RESULT_MESSAGES[result] ?? '') : '';
  const nav = (name: string, label: string, count: number): SafeHtml =>
    html`<a href="#${name}">${label} <span class="count" data-count="${name}">${count}</span></a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Emulated phone · Okta emulator</title>
<link rel="icon" href="${ASSET_BASE}/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${ASSET_BASE}/phone.css">
<script src="${ASSET_BASE}/phone.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<div class="phone" id="phone" data-base="${PHONE_BASE}" data-now="${state.now}">
<header class="statusbar">
<span class="carrier">Okta emulator</span>
<time class="clock" id="clock" datetime="${new Date(state.now).toISOString()}" title="Emulator time (may be virtual)">${formatTime(state.now)}</time>
<span class="live" id="live">Snapshot</span>
</header>
<nav class="tabs" aria-label="Sections">
${nav('push', 'Push', state.pushes.items.length)}
${nav('messages', 'Messages', state.messages.items.length)}
${nav('mailbox', 'Mailbox', state.mailCodes.items.length + state.mail.items.length)}
${nav('authenticators', 'Apps', state.authenticators.items.length)}
${nav('activations', 'Setup', state.activations.items.length)}
</nav>
<main id="main" tabindex="-1">
<h1>Emulated phone</h1>
<p class="intro">This page plays the user's phone: the texts, calls and emails the emulator sent (the mailbox also shows the mail the portal sent to the emulator's SMTP listener), the Okta Verify push requests waiting for an answer, and each authenticator app's current code. <a class="refresh" id="refresh" href="${PHONE_BASE}/">Refresh</a></p>
<p class="status" id="status" role="status" data-testid="status"${flash === '' ? html` hidden` : ''}>${flash}</p>
<div class="vh" id="announcer" aria-live="polite" aria-atomic="true"></div>
${sectionParts('push', 'Push requests', 'No pending push requests.', state.pushes, (p) => pushItem(p, state.now))}
${sectionParts('messages', 'Messages', 'No messages yet.', state.messages, messageItem)}
${mailboxSection(state)}
${sectionParts('authenticators', 'Authenticator apps', 'No authenticator apps enrolled.', state.authenticators, authenticatorItem)}
${sectionParts('activations', 'Pending Okta Verify activations', 'No Okta Verify enrolment is waiting for activation.', state.activations, activationItem)}
</main>
</div>
</body>
</html>
`.value;
}

/** A small standalone page for a refused form post (bad id or answer, cross-site post). */
export function renderErrorPage(title: string, detail: string): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Okta emulator</title>
<link rel="stylesheet" href="${ASSET_BASE}/phone.css">
</head>
<body>
<div class="phone"><main id="main" class="error-page">
<h1>${title}</h1>
<p>${detail}</p>
<p><a href="${PHONE_BASE}/">Back to the emulated phone</a></p>
</main></div>
</body>
</html>
`.value;
}
