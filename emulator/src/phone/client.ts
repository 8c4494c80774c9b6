// The phone page's browser script, kept as a string so that `tsc` carries it into dist/ (it copies no .js).
// Served as /_emulator/assets/phone.js; the page works without it (server-rendered, forms post back).
//
// Rules:
// - Progressive enhancement only: it polls the JSON control API every 1.5 s, ticks countdowns every
//   second, and turns the forms' posts into fetch calls to the control API (form data-api attribute).
// - Data reaches the DOM only through textContent and setAttribute: never innerHTML.
// - Items are keyed (data-key) and updated in place; existing nodes are never rebuilt, so keyboard focus
//   survives every refresh. When a focused item disappears, focus moves to its section heading.
// - New messages and pushes are announced through the polite live region (#announcer); countdowns are
//   not in any live region.
// - The markup built here mirrors render.ts (classes, data-key, data-testid).
// - Written as plain ES2017 without template literals or backslashes so the string below needs no escaping.

export const PHONE_JS = String.raw`(function () {
  'use strict';
  var phone = document.getElementById('phone');
  if (!phone || !window.fetch || !window.Map) return;
  var BASE = phone.getAttribute('data-base') || '/_emulator';
  var POLL_MS = 1500;
  var CHANNELS = { sms: 'SMS', call: 'Voice call', email: 'Email' };
  var PROVIDERS = { GOOGLE: 'Google Authenticator', OKTA: 'Okta Verify' };
  var RESULTS = {
    approved: 'Push approved.',
    'wrong-number': 'That number was wrong: the push was rejected.',
    denied: 'Push denied.',
    activated: 'Okta Verify activated.',
    gone: 'That request no longer exists (it expired or was already answered).',
    error: 'The emulator refused that action.'
  };
  var clockOffset = 0;
  var busy = false;
  var pollTimer = null;
  var refreshSoon = false;

  function toMillis(v) {
    if (typeof v === 'number' && isFinite(v)) return v < 1e11 ? v * 1000 : v;
    if (typeof v === 'string' && v !== '') { var ms = Date.parse(v); return isNaN(ms) ? null : ms; }
    return null;
  }
  function str(v) { return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : ''; }
  function optStr(v) { return typeof v === 'string' || typeof v === 'number' ? String(v) : null; }
  function pad2(n) { return (n < 10 ? '0' : '') + n; }
  function formatTime(ms) { return ms === null ? '' : new Date(ms).toISOString().slice(11, 19) + ' UTC'; }
  function formatCountdown(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    return Math.floor(s / 60) + ':' + pad2(s % 60);
  }
  function channelLabel(c) { return CHANNELS[c] || (c === '' ? 'Message' : c.toUpperCase()); }
  function providerLabel(p) { return PROVIDERS[p] || (p === '' ? 'Authenticator' : p); }
  function messageText(m) {
    if (m.text !== '') return m.text;
    if (m.code === null || m.code === '') return '';
    if (m.channel === 'call') return 'Your verification code is ' + m.code.split('').join(' ');
    return 'Your verification code is ' + m.code;
  }
  function own(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }

  function h(tag, attrs, kids) {
    var el = document.createElement(tag);
    for (var k in attrs) {
      if (!own(attrs, k)) continue;
      var v = attrs[k];
      if (v === null || v === undefined || v === false) continue;
      el.setAttribute(k, v === true ? '' : String(v));
    }
    (kids || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return el;
  }
  function find(sel, root) { return (root || document).querySelector(sel); }
  function findAll(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function setText(el, text) { if (el && el.textContent !== text) el.textContent = text; }
  function vh(text) { return h('span', { 'class': 'vh' }, [text]); }

  // ---- normalising the control API's answers (same rules as state.ts) ----
  function listOf(body, key) {
    var raw = body && typeof body === 'object' ? body[key] : undefined;
    return Array.isArray(raw) ? raw.filter(function (x) { return x && typeof x === 'object'; }) : null;
  }
  function unique(items, keyOf) {
    var seen = new Map();
    return items.filter(function (it) {
      var k = keyOf(it);
      if (k === '' || seen.has(k)) return false;
      seen.set(k, true);
      return true;
    });
  }
  function newestFirst(items, timeOf) {
    return items.map(function (item, index) { return { item: item, index: index }; })
      .sort(function (a, b) { return ((timeOf(b.item) || 0) - (timeOf(a.item) || 0)) || (b.index - a.index); })
      .map(function (e) { return e.item; });
  }
  function byLogin(keyOf) {
    return function (a, b) { return a.login.localeCompare(b.login) || keyOf(a).localeCompare(keyOf(b)); };
  }
  function messages(body) {
    var raw = listOf(body, 'messages');
    if (raw === null) return null;
    var items = raw.map(function (m) {
      return { id: optStr(m.id) || '', channel: str(m.channel), to: str(m.to), text: str(m.text), code: optStr(m.code),
        login: str(m.login), sentAt: toMillis(m.sentAt) };
    });
    return newestFirst(unique(items, function (m) { return m.id; }), function (m) { return m.sentAt; });
  }
  function mailCodes(body) {
    var all = messages(body);
    return all === null ? null : all.filter(function (m) { return m.channel === 'email'; });
  }
  function mails(body) {
    var raw = listOf(body, 'mail');
    if (raw === null) return null;
    var items = raw.map(function (m) {
      return {
        id: str(m.id), from: str(m.from), subject: str(m.subject), text: str(m.text),
        to: Array.isArray(m.to) ? m.to.filter(function (x) { return typeof x === 'string'; }) : [],
        links: Array.isArray(m.links) ? m.links.filter(function (x) { return typeof x === 'string' && /^https?:[/][/]/.test(x); }) : [],
        receivedAt: toMillis(m.receivedAt)
      };
    }).filter(function (m) { return m.id !== ''; });
    return newestFirst(unique(items, function (m) { return m.id; }), function (m) { return m.receivedAt; });
  }
  function pushes(body) {
    var raw = listOf(body, 'pushes');
    if (raw === null) return null;
    var items = raw.map(function (p) {
      var choices = Array.isArray(p.numberChoices)
        ? p.numberChoices.filter(function (n) { return typeof n === 'number' && Math.floor(n) === n; }) : null;
      return { tx: optStr(p.transactionId) || '', login: str(p.login), createdAt: toMillis(p.createdAt),
        expiresAt: toMillis(p.expiresAt), choices: choices };
    });
    return newestFirst(unique(items, function (p) { return p.tx; }), function (p) { return p.createdAt; });
  }
  function authenticators(body) {
    var raw = listOf(body, 'authenticators');
    if (raw === null) return null;
    var items = raw.map(function (a) {
      return { factorId: optStr(a.factorId) || '', login: str(a.login), provider: str(a.provider), status: str(a.status),
        code: optStr(a.code), secs: typeof a.secondsRemaining === 'number' ? Math.max(0, Math.round(a.secondsRemaining)) : null };
    });
    return unique(items, function (a) { return a.factorId; }).sort(byLogin(function (a) { return a.factorId; }));
  }
  function activations(body) {
    var raw = listOf(body, 'users');
    if (raw === null) return null;
    var items = [];
    raw.forEach(function (u) {
      (Array.isArray(u.factors) ? u.factors : []).forEach(function (f) {
        if (f && f.factorType === 'push' && f.status === 'PENDING_ACTIVATION' && optStr(f.id)) {
          items.push({ factorId: optStr(f.id), login: str(u.login) });
        }
      });
    });
    return unique(items, function (a) { return a.factorId; }).sort(byLogin(function (a) { return a.factorId; }));
  }

  // ---- building items (mirrors render.ts) ----
  function head(badgeClass, badge, who, extra) {
    return h('div', { 'class': 'card-head' }, [h('span', { 'class': 'badge ' + badgeClass }, [badge]), h('span', { 'class': 'who' }, [who]), extra]);
  }
  function buildMessage(m) {
    var kind = own(CHANNELS, m.channel) ? m.channel : 'other';
    return h('li', { 'class': 'card msg msg-' + kind, 'data-key': m.id, 'data-testid': 'message-' + m.id }, [
      head('badge-' + kind, channelLabel(m.channel), 'to ' + m.to,
        h('time', { 'class': 'time', datetime: m.sentAt === null ? '' : new Date(m.sentAt).toISOString() }, [formatTime(m.sentAt)])),
      h('p', { 'class': 'code', 'data-testid': 'message-code-' + m.id, hidden: m.code === null }, [m.code || '']),
      h('p', { 'class': 'text' }, [messageText(m)]),
      h('p', { 'class': 'meta' }, [m.login === '' ? '' : 'For ' + m.login])
    ]);
  }
  function timeEl(ms) {
    return h('time', { 'class': 'time', datetime: ms === null ? '' : new Date(ms).toISOString() }, [formatTime(ms)]);
  }
  function buildMailCode(m) {
    return h('li', { 'class': 'card mail mail-code', 'data-key': m.id, 'data-testid': 'mail-code-' + m.id }, [
      head('badge-email', 'Code', 'to ' + m.to, timeEl(m.sentAt)),
      h('p', { 'class': 'code', 'data-testid': 'mail-code-value-' + m.id, hidden: m.code === null }, [m.code || '']),
      h('p', { 'class': 'text' }, [messageText(m)])
    ]);
  }
  function buildMail(m) {
    return h('li', { 'class': 'card mail mail-note', 'data-key': m.id, 'data-testid': 'mail-' + m.id }, [
      head('badge-email', 'Email', 'to ' + m.to.join(', '), timeEl(m.receivedAt)),
      h('p', { 'class': 'subject' }, [m.subject]),
      h('p', { 'class': 'meta' }, ['From ' + m.from]),
      h('p', { 'class': 'text mail-text' }, [m.text]),
      h('ul', { 'class': 'links' }, m.links.map(function (l) {
        return h('li', {}, [h('a', { href: l, 'data-testid': 'mail-link' }, [l])]);
      }))
    ]);
  }
  function buildPush(p) {
    var enc = encodeURIComponent(p.tx);
    var approveApi = BASE + '/push/' + enc + '/approve';
    var approveForm = BASE + '/phone/push/' + enc + '/approve';
    var approve;
    if (p.choices && p.choices.length > 0) {
      approve = h('form', { 'class': 'numbers', method: 'post', action: approveForm, 'data-api': approveApi, 'data-kind': 'approve' }, [
        h('fieldset', {}, [h('legend', {}, ['Tap the number shown on the screen you are using'])].concat(p.choices.map(function (n) {
          return h('button', { type: 'submit', 'class': 'num', name: 'answer', value: String(n), 'data-testid': 'push-number-' + p.tx + '-' + n }, [String(n)]);
        })))
      ]);
    } else {
      approve = h('form', { method: 'post', action: approveForm, 'data-api': approveApi, 'data-kind': 'approve' }, [
        h('button', { type: 'submit', 'class': 'btn btn-primary', 'data-testid': 'push-approve-' + p.tx }, ['Approve', vh(' request for ' + p.login)])
      ]);
    }
    return h('li', { 'class': 'card push', 'data-key': p.tx, 'data-testid': 'push-' + p.tx }, [
      head('badge-push', 'Okta Verify', p.login, h('span', { 'class': 'countdown', 'data-testid': 'push-countdown-' + p.tx }, [])),
      h('p', { 'class': 'question' }, ['Is this you? Approve only if you are verifying yourself right now.']),
      approve,
      h('form', { method: 'post', action: BASE + '/phone/push/' + enc + '/reject', 'data-api': BASE + '/push/' + enc + '/reject', 'data-kind': 'reject' }, [
        h('button', { type: 'submit', 'class': 'btn btn-danger', 'data-testid': 'push-deny-' + p.tx }, ['Deny', vh(' request for ' + p.login)])
      ])
    ]);
  }
  function updatePush(li, p) {
    var el = find('.countdown', li);
    if (el) el.setAttribute('data-deadline', p.expiresAt === null ? '' : String(p.expiresAt - clockOffset));
  }
  function buildAuthenticator(a) {
    var kind = a.provider === 'GOOGLE' ? 'google' : a.provider === 'OKTA' ? 'okta' : 'other';
    return h('li', { 'class': 'card totp', 'data-key': a.factorId, 'data-testid': 'authenticator-' + a.factorId }, [
      head('badge-' + kind, providerLabel(a.provider), a.login, h('span', { 'class': 'state', hidden: true }, [])),
      h('p', { 'class': 'code', 'data-testid': 'authenticator-code-' + a.factorId }, []),
      h('div', { 'class': 'ttl' }, [
        h('progress', { max: '30', value: '0', 'aria-hidden': 'true' }, []),
        h('span', { 'class': 'secs', 'data-testid': 'authenticator-seconds-' + a.factorId }, [])
      ])
    ]);
  }
  function updateAuthenticator(li, a) {
    setText(find('.code', li), a.code || '');
    var state = find('.state', li);
    if (state) {
      var shown = a.status !== 'ACTIVE' && a.status !== '';
      state.hidden = !shown;
      setText(state, a.status === 'PENDING_ACTIVATION' ? 'Not activated yet' : a.status);
    }
    var bar = find('progress', li);
    if (bar) bar.max = Math.max(30, a.secs || 0);
    var secs = find('.secs', li);
    if (secs) secs.setAttribute('data-deadline', a.secs === null ? '' : String(Date.now() + a.secs * 1000));
  }
  function buildActivation(a) {
    var enc = encodeURIComponent(a.factorId);
    return h('li', { 'class': 'card activation', 'data-key': a.factorId, 'data-testid': 'activation-' + a.factorId }, [
      head('badge-okta', 'Okta Verify', a.login, null),
      h('p', { 'class': 'text' }, ['Finish setting up Okta Verify on this phone.']),
      h('form', { method: 'post', action: BASE + '/phone/factors/' + enc + '/activate', 'data-api': BASE + '/factors/' + enc + '/activate', 'data-kind': 'activate' }, [
        h('button', { type: 'submit', 'class': 'btn btn-primary', 'data-testid': 'activate-' + a.factorId }, ['Activate', vh(' Okta Verify for ' + a.login)])
      ])
    ]);
  }

  // ---- keyed, in-place list updates ----
  function removeItem(li, name) {
    var active = document.activeElement;
    if (active && li.contains(active)) {
      var heading = document.getElementById(name + '-h');
      if (heading) heading.focus();
    }
    li.parentNode.removeChild(li);
  }
  function sync(name, items, keyOf, build, update) {
    var ul = find('[data-list="' + name + '"]');
    if (!ul) return [];
    var wanted = new Map();
    items.forEach(function (it) { wanted.set(keyOf(it), true); });
    var existing = new Map();
    Array.prototype.slice.call(ul.children).forEach(function (li) {
      var k = li.getAttribute('data-key');
      if (k !== null && wanted.has(k) && !existing.has(k)) existing.set(k, li);
      else removeItem(li, name);
    });
    var added = [];
    items.forEach(function (it, i) {
      var k = keyOf(it);
      var li = existing.get(k);
      if (!li) {
        li = build(it);
        li.classList.add('fresh');
        setTimeout(function (el) { el.classList.remove('fresh'); }, 2000, li);
        added.push(it);
      }
      if (update) update(li, it);
      var at = ul.children[i];
      if (at !== li) ul.insertBefore(li, at || null);
    });
    findAll('[data-count="' + name + '"]').forEach(function (el) { setText(el, String(items.length)); });
    var empty = find('[data-empty="' + name + '"]');
    if (empty) empty.hidden = items.length > 0;
    return added;
  }
  function sectionError(name, error) {
    var el = find('[data-error="' + name + '"]');
    if (!el) return;
    el.hidden = error === null;
    setText(el, error === null ? '' : 'Could not load: ' + error + '.');
  }

  // ---- announcements and status ----
  function announce(parts) {
    if (parts.length === 0) return;
    var el = document.getElementById('announcer');
    if (!el) return;
    el.textContent = '';
    setTimeout(function () { el.textContent = parts.join(' '); }, 100);
  }
  function showStatus(text) {
    var el = document.getElementById('status');
    if (!el) return;
    el.hidden = false;
    el.textContent = text;
  }
  function setLive(ok) {
    var el = document.getElementById('live');
    if (!el) return;
    el.className = 'live ' + (ok ? 'on' : 'off');
    setText(el, ok ? 'Live' : 'Offline, retrying');
  }

  // ---- polling ----
  function getJson(path) {
    return fetch(BASE + path, { cache: 'no-store', credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) {
        if (!r.ok) throw new Error('the control API answered HTTP ' + r.status);
        return r.json();
      })
      .then(function (body) { return { ok: true, body: body }; }, function (e) {
        var msg = e && e.message && e.message.indexOf('HTTP') >= 0 ? e.message : 'the emulator did not answer';
        return { ok: false, error: msg };
      });
  }
  function apply(name, fetched, key, normalise, keyOf, build, update) {
    if (!fetched.ok) { sectionError(name, fetched.error); return []; }
    var items = normalise(fetched.body);
    if (items === null) { sectionError(name, 'the control API answer has no "' + key + '" list'); return []; }
    sectionError(name, null);
    return sync(name, items, keyOf, build, update);
  }
  function refresh() {
    if (busy) { refreshSoon = true; return Promise.resolve(); }
    busy = true;
    return Promise.all(['/clock', '/outbox', '/push', '/authenticators', '/users', '/mail'].map(getJson)).then(function (r) {
      var clock = r[0], outbox = r[1], push = r[2], auths = r[3], users = r[4], mailbox = r[5];
      if (clock.ok && clock.body) {
        var now = toMillis(clock.body.now);
        if (now !== null) clockOffset = now - Date.now();
      }
      var news = [];
      apply('push', push, 'pushes', pushes, function (p) { return p.tx; }, buildPush, updatePush).forEach(function (p) {
        news.push('New push request for ' + p.login + '.');
      });
      apply('messages', outbox, 'messages', messages, function (m) { return m.id; }, buildMessage, null).forEach(function (m) {
        news.push('New ' + channelLabel(m.channel) + ' to ' + m.to + (m.code ? ': code ' + m.code.split('').join(' ') : '') + '.');
      });
      apply('mail-codes', outbox, 'messages', mailCodes, function (m) { return m.id; }, buildMailCode, null);
      apply('mail-notes', mailbox, 'mail', mails, function (m) { return m.id; }, buildMail, null).forEach(function (m) {
        news.push('New email: ' + m.subject + '.');
      });
      var total = findAll('[data-list="mail-codes"] > li').length + findAll('[data-list="mail-notes"] > li').length;
      findAll('[data-count="mailbox"]').forEach(function (el) { setText(el, String(total)); });
      sectionError('mailbox', !outbox.ok ? outbox.error : !mailbox.ok ? mailbox.error : null);
      apply('authenticators', auths, 'authenticators', authenticators, function (a) { return a.factorId; }, buildAuthenticator, updateAuthenticator);
      apply('activations', users, 'users', activations, function (a) { return a.factorId; }, buildActivation, null);
      announce(news);
      setLive(r.some(function (x) { return x.ok; }));
      tick();
    }).catch(function () {
      setLive(false);
    }).then(function () {
      busy = false;
      if (refreshSoon) { refreshSoon = false; return refresh(); }
    });
  }
  function schedule() {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(function () {
      if (document.hidden) { schedule(); return; }
      refresh().then(schedule);
    }, POLL_MS);
  }

  // ---- countdowns (every second) ----
  function tick() {
    var now = Date.now();
    setText(document.getElementById('clock'), formatTime(now + clockOffset));
    findAll('.push .countdown').forEach(function (el) {
      var d = Number(el.getAttribute('data-deadline'));
      if (!el.getAttribute('data-deadline') || !isFinite(d)) { setText(el, ''); return; }
      var left = (d - now) / 1000;
      setText(el, left > 0 ? 'Expires in ' + formatCountdown(left) : 'Expired');
    });
    var expired = false;
    findAll('.totp').forEach(function (li) {
      var secs = find('.secs', li);
      if (!secs) return;
      var d = Number(secs.getAttribute('data-deadline'));
      if (!secs.getAttribute('data-deadline') || !isFinite(d)) { setText(secs, ''); return; }
      var left = Math.max(0, Math.ceil((d - now) / 1000));
      if (left === 0) expired = true;
      setText(secs, left + ' s left');
      var bar = find('progress', li);
      if (bar) bar.value = left;
    });
    if (expired && !busy) refresh();
  }

  // ---- actions: the forms' posts become control API calls ----
  var lastClicked = null;
  document.addEventListener('click', function (e) {
    var t = e.target;
    lastClicked = t && t.closest ? t.closest('button') : null;
  }, true);
  function resultKey(kind, res, answered) {
    if (res.status === 404) return 'gone';
    if (res.status < 200 || res.status >= 300) return 'error';
    if (kind === 'approve') {
      if (res.body && res.body.factorResult === 'SUCCESS') return 'approved';
      return answered ? 'wrong-number' : 'error';
    }
    return kind === 'reject' ? 'denied' : 'activated';
  }
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!form || !form.getAttribute || !form.getAttribute('data-api')) return;
    e.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return;
    var kind = form.getAttribute('data-kind');
    var btn = e.submitter || (lastClicked && form.contains(lastClicked) ? lastClicked : null);
    var init = { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json' } };
    var answered = false;
    if (kind === 'approve') {
      var body = {};
      if (btn && btn.name === 'answer') { body.answer = Number(btn.value); answered = true; }
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    form.setAttribute('aria-busy', 'true');
    fetch(form.getAttribute('data-api'), init).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (b) { return { status: r.status, body: b }; });
    }).then(function (res) {
      var key = resultKey(kind, res, answered);
      showStatus(RESULTS[key] + (key === 'error' ? ' (HTTP ' + res.status + ')' : ''));
    }, function () {
      showStatus('The emulator did not answer.');
    }).then(function () {
      form.removeAttribute('aria-busy');
      return refresh();
    });
  });

  // ---- start ----
  (function init() {
    clockOffset = (toMillis(phone.getAttribute('data-now')) || Date.now()) - Date.now();
    var now = Date.now();
    findAll('.countdown[data-left], .secs[data-left]').forEach(function (el) {
      var left = el.getAttribute('data-left');
      if (left !== '' && isFinite(Number(left))) el.setAttribute('data-deadline', String(now + Number(left) * 1000));
    });
    if (window.history && window.history.replaceState && window.location.search) {
      window.history.replaceState(null, '', window.location.pathname + window.location.hash);
    }
    setInterval(tick, 1000);
    document.addEventListener('visibilitychange', function () { if (!document.hidden) refresh(); });
    refresh().then(schedule);
  })();
})();
`;
