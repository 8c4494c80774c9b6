/**
 * /assets/focus.js, loaded by every page: small progressive enhancements, each doing nothing when its markup is
 * absent. Without JavaScript every page works as before.
 * - Focus: after a failed submit, moves the keyboard focus to the first field in error (or, when the error is not
 *   about a field, to the error summary), so keyboard and screen-reader users land on what needs fixing. The summary
 *   is a role="alert" region and is announced with or without this script.
 * - Reveal: an element with data-reveal-after="<seconds>" is un-hidden after that time unless the field named by
 *   data-reveal-unless has a value; its text is then announced once through the data-reveal-announce region.
 * - Retry countdown: a [data-retry-seconds] span ("14 minutes") counts down in the same human units as the server
 *   (src/views/i18n/duration.ts: seconds under a minute, minutes rounded up, then hours and minutes, through Intl
 *   in the span's data-retry-lang); at zero the whole sentence (.retry) becomes its data-text-ready.
 * - Busy: a submitted form's submit buttons are disabled (no double submit); after 0.7 s the page's #busy-status
 *   region says "Contacting Okta…", after 4 s "Okta is slow right now, still trying…". Coming back through the
 *   history (pageshow from the back-forward cache) re-enables them. Forms marked data-no-busy are left alone.
 * Rules: reads only the DOM, writes only the focus, `hidden` and textContent; no network, no storage.
 */
export const FOCUS_JS = `(function () {
  'use strict';
  var summary = document.getElementById('error-summary');
  if (summary) {
    var target = document.querySelector('[aria-invalid="true"]') || summary;
    if (target === summary && !summary.hasAttribute('tabindex')) summary.setAttribute('tabindex', '-1');
    target.focus();
  }

  var reveals = document.querySelectorAll('[data-reveal-after]');
  Array.prototype.forEach.call(reveals, function (el) {
    var seconds = parseInt(el.getAttribute('data-reveal-after') || '0', 10);
    if (!(seconds >= 0)) return;
    setTimeout(function () {
      var unless = document.getElementById(el.getAttribute('data-reveal-unless') || '');
      if (unless && unless.value) return;
      el.hidden = false;
      var announce = document.getElementById(el.getAttribute('data-reveal-announce') || '');
      if (announce) announce.textContent = el.textContent.replace(/\\s+/g, ' ').trim();
    }, seconds * 1000);
  });

  var busy = document.getElementById('busy-status');
  var timers = [];
  var locked = [];
  function reset() {
    timers.forEach(clearTimeout);
    timers = [];
    locked.forEach(function (b) { b.disabled = false; });
    locked = [];
    if (busy) busy.textContent = '';
  }
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (ev.defaultPrevented || !form || form.hasAttribute('data-no-busy')) return;
    if (form.getAttribute('data-busy') === '1') { ev.preventDefault(); return; }
    form.setAttribute('data-busy', '1');
    // Disabled after the submission has collected the form's values (a disabled button sends nothing).
    setTimeout(function () {
      Array.prototype.forEach.call(form.querySelectorAll('button[type="submit"], button:not([type])'), function (b) {
        if (!b.disabled) { b.disabled = true; locked.push(b); }
      });
    }, 0);
    if (busy) {
      timers.push(setTimeout(function () { busy.textContent = busy.getAttribute('data-text-busy') || ''; }, 700));
      timers.push(setTimeout(function () { busy.textContent = busy.getAttribute('data-text-slow') || ''; }, 4000));
    }
  });
  window.addEventListener('pageshow', function (ev) {
    if (!ev.persisted) return;
    reset();
    Array.prototype.forEach.call(document.querySelectorAll('form[data-busy]'), function (f) { f.removeAttribute('data-busy'); });
  });

  function unit(lang, u, n) {
    try { return new Intl.NumberFormat(lang, { style: 'unit', unit: u, unitDisplay: 'long' }).format(n); }
    catch (e) { return n + ' ' + u + (n === 1 ? '' : 's'); }
  }
  function duration(lang, s) {
    if (s < 60) return unit(lang, 'second', s);
    var minutes = Math.ceil(s / 60);
    if (minutes < 60) return unit(lang, 'minute', minutes);
    var h = Math.floor(minutes / 60), m = minutes % 60;
    if (m === 0) return unit(lang, 'hour', h);
    var parts = [unit(lang, 'hour', h), unit(lang, 'minute', m)];
    try { return new Intl.ListFormat(lang, { type: 'conjunction', style: 'long' }).format(parts); }
    catch (e) { return parts.join(' '); }
  }
  var retries = document.querySelectorAll('[data-retry-seconds]');
  Array.prototype.forEach.call(retries, function (el) {
    var end = Date.now() + parseInt(el.getAttribute('data-retry-seconds') || '0', 10) * 1000;
    var lang = el.getAttribute('data-retry-lang') || 'en';
    var sentence = el.closest('.retry');
    function tick() {
      var left = Math.ceil((end - Date.now()) / 1000);
      if (left <= 0) {
        if (sentence) sentence.textContent = sentence.getAttribute('data-text-ready') || '';
        return;
      }
      el.textContent = duration(lang, left);
      setTimeout(tick, left > 120 ? 10000 : 1000);
    }
    tick();
  });
})();
`;
