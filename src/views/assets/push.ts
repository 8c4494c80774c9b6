/**
 * /assets/push.js: keeps the push page up to date. Polls the JSON status endpoint every few seconds (the server
 * polls Okta at most once per interval whatever we do), goes to the password page once verified, and reloads the
 * page for any other outcome so the server renders it. Without JavaScript the page has a "Check again" button.
 * Rules: URLs come from data-* attributes written by the server; writes only textContent; never reads or keeps the
 * ott the status answer carries; backs off on 429 / 5xx / network errors.
 */
export const PUSH_JS = `(function () {
  'use strict';
  var root = document.querySelector('[data-push-status-url]');
  if (!root) return;
  var statusUrl = root.getAttribute('data-push-status-url');
  var nextUrl = root.getAttribute('data-push-next-url');
  var base = 2500;
  var delay = base;
  function schedule() { setTimeout(poll, delay); }
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
          if (state === 'verified') { window.location.assign(nextUrl); return; }
          window.location.reload();
        });
      })
      .catch(function () { delay = Math.min(delay * 2, 30000); schedule(); });
  }
  schedule();
})();
`;
