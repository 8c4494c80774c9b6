/**
 * /assets/countdown.js: counts the "send a new code" wait down live. Progressive enhancement only: without it the
 * page still shows the server's number of seconds and the button works (the server answers RESEND_TOO_SOON).
 * Rules: reads its inputs from data-* attributes, writes only textContent, no network, no storage.
 */
export const COUNTDOWN_JS = `(function () {
  'use strict';
  var el = document.querySelector('[data-countdown]');
  if (!el) return;
  var left = parseInt(el.getAttribute('data-countdown') || '0', 10);
  var button = document.getElementById(el.getAttribute('data-countdown-for') || '');
  var one = el.getAttribute('data-text-one') || '';
  var many = el.getAttribute('data-text-many') || '';
  var ready = el.getAttribute('data-text-ready') || '';
  if (!(left > 0) || !button) return;
  button.disabled = true;
  function show() {
    if (left <= 0) {
      el.textContent = ready;
      button.disabled = false;
      return;
    }
    el.textContent = (left === 1 ? one : many).replace('{n}', String(left));
    left -= 1;
    setTimeout(show, 1000);
  }
  show();
})();
`;
