/**
 * /assets/push.js: keeps the push page up to date without reloading it.
 * - Server-sent events from the page's events URL (text/event-stream; `state` events carrying only
 *   {"state": "waiting" | "verified" | "rejected" | "expired" | "moved"}, never an ott). Where EventSource is missing
 *   it polls the JSON status endpoint instead (every few seconds, backing off on 429 / 5xx / network errors; it
 *   never reads or keeps the ott that answer carries).
 * - verified → goes to the password page (the server renders the ott there); rejected / expired → shows the
 *   outcome in the page's alert region (announced by screen readers), hides the number and offers "Try another
 *   method" (after a timeout, "Send another push" first); moved → reloads so the server shows where the flow stands.
 * Without JavaScript the page has a "Check again" button (this script hides it: the page follows by itself). Rules: URLs and texts come from data-* attributes the
 * server wrote; writes only textContent and the hidden attribute; no storage.
 */
export const PUSH_JS = `(function () {
  'use strict';
  var root = document.querySelector('[data-push-events-url]');
  if (!root) return;
  var eventsUrl = root.getAttribute('data-push-events-url');
  var statusUrl = root.getAttribute('data-push-status-url');
  var nextUrl = root.getAttribute('data-push-next-url');
  var statusEl = document.getElementById('push-status');
  var alertEl = document.getElementById('push-alert');
  var done = false;

  function text(name) { return root.getAttribute('data-text-' + name) || ''; }
  function show(id, visible) {
    var el = document.getElementById(id);
    if (el) el.hidden = !visible;
  }

  function outcome(state) {
    if (done) return;
    if (state === 'waiting') return;
    done = true;
    if (state === 'verified') {
      if (statusEl) statusEl.textContent = text('approved');
      window.location.assign(nextUrl);
      return;
    }
    if (state === 'rejected' || state === 'expired') {
      show('push-waiting', false);
      show('push-check', false);
      show('push-next', true);
      // After a timeout another push may help; after a refusal on the phone, another method is the way on.
      show('push-again', state === 'expired');
      if (alertEl) alertEl.textContent = text(state);
      var next = document.getElementById(state === 'expired' ? 'push-again-action' : 'push-next-action');
      if (next) next.focus();
      return;
    }
    window.location.reload();
  }

  function listen() {
    var source = new EventSource(eventsUrl);
    source.addEventListener('state', function (ev) {
      var state = null;
      try { state = JSON.parse(ev.data).state; } catch (e) { state = null; }
      if (state && state !== 'waiting') source.close();
      if (state) outcome(state);
    });
    source.onerror = function () {
      // The browser reconnects by itself while the stream is merely interrupted; a refused stream is CLOSED.
      if (source.readyState === 2 && !done) { source = null; poll(); }
    };
  }

  var base = 2500;
  var delay = base;
  function schedule() { if (!done) setTimeout(poll, delay); }
  function poll() {
    fetch(statusUrl, { headers: { accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (res) {
        if (res.status === 429 || res.status >= 500) {
          var after = parseInt(res.headers.get('retry-after') || '0', 10);
          delay = Math.min(Math.max(delay * 2, after * 1000), 30000);
          return schedule();
        }
        return res.json().then(function (body) {
          var state = res.ok && body ? body.status : null;
          if (state === 'waiting') { delay = base; return schedule(); }
          outcome(state === 'verified' || state === 'rejected' || state === 'expired' ? state : 'moved');
        });
      })
      .catch(function () { delay = Math.min(delay * 2, 30000); schedule(); });
  }

  show('push-live-note', true);
  show('push-check-again', false);
  if (typeof window.EventSource === 'function') listen();
  else schedule();
})();
`;
