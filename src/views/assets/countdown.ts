/**
 * /assets/countdown.js: counts the "send a new code" wait down live. Progressive enhancement only: without it the
 * page still shows the server's number of seconds and the button works (the server answers RESEND_TOO_SOON).
 * The wait is formatted by Intl in the page's language (data-lang), so "1 second" / "30 seconds" follow that
 * language's plural rules, as on the server.
 * Rules: reads its inputs from data-* attributes, writes only textContent and the button's disabled state, no
 * network, no storage. The ticking text is not a live region (a screen reader would hear every second); the
 * moment a new code can be asked for is announced once through the separate status region.
 */
export const COUNTDOWN_JS = `(function () {
  'use strict';
  var el = document.querySelector('[data-countdown]');
  if (!el) return;
  var left = parseInt(el.getAttribute('data-countdown') || '0', 10);
  var button = document.getElementById(el.getAttribute('data-countdown-for') || '');
  var announce = document.getElementById(el.getAttribute('data-countdown-announce') || '');
  var wait = el.getAttribute('data-text-wait') || '';
  var seconds = null;
  try {
    seconds = new Intl.NumberFormat(el.getAttribute('data-lang') || undefined, { style: 'unit', unit: 'second', unitDisplay: 'long' });
  } catch (e) {
    seconds = null;
  }
  var ready = el.getAttribute('data-text-ready') || '';
  if (!(left > 0) || !button) return;
  var end = Date.now() + left * 1000;
  button.disabled = true;
  function show() {
    left = Math.ceil((end - Date.now()) / 1000);
    if (left <= 0) {
      el.textContent = ready;
      button.disabled = false;
      if (announce) announce.textContent = ready;
      return;
    }
    el.textContent = wait.replace('{n}', seconds ? seconds.format(left) : String(left));
    setTimeout(show, Math.min(1000, end - Date.now() - (left - 1) * 1000 + 5));
  }
  show();
})();
`;
