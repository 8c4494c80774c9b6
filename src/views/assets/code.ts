/**
 * /assets/code.js: auto-submits a complete code on the code page, with a way to correct it.
 * - Only on a form marked data-autosubmit (the server leaves the mark off after a failed attempt: a code that was
 *   refused once is checked only when the user presses Verify).
 * - When the field holds exactly 6 digits (spaces, dashes and dots ignored, as on the server), the status region
 *   #code-auto says so (data-text-ready, announced politely) and the form is submitted after AUTO_DELAY_MS, unless the
 *   user types again (any change restarts the check) or presses Escape (data-text-stopped is announced and this page
 *   stops auto-submitting). Longer codes (7 or 8 digits) are left to the Verify button.
 * - The submission goes through requestSubmit(), so the busy state of focus.js applies as for a click.
 * Rules: reads the DOM, writes only textContent and one attribute; no network, no storage.
 */
export const AUTO_DELAY_MS = 1500;

export const CODE_JS = `(function () {
  'use strict';
  var form = document.querySelector('form[data-autosubmit]');
  var input = document.getElementById('code');
  var live = document.getElementById('code-auto');
  if (!form || !input || !live) return;
  var timer = null;
  var stopped = false;
  function clear() {
    if (timer !== null) { clearTimeout(timer); timer = null; }
  }
  function complete() {
    return /^[0-9]{6}$/.test(input.value.replace(/[\\s\\-\\u2010-\\u2015\\u2212.]/g, ''));
  }
  input.addEventListener('input', function () {
    clear();
    if (stopped || !complete()) { if (!stopped) live.textContent = ''; return; }
    live.textContent = live.getAttribute('data-text-ready') || '';
    timer = setTimeout(function () {
      timer = null;
      if (stopped || !complete()) return;
      form.removeAttribute('data-autosubmit');
      if (typeof form.requestSubmit === 'function') form.requestSubmit();
      else form.submit();
    }, ${AUTO_DELAY_MS});
  });
  input.addEventListener('keydown', function (ev) {
    if (ev.key !== 'Escape' || timer === null) return;
    clear();
    stopped = true;
    live.textContent = live.getAttribute('data-text-stopped') || '';
  });
})();
`;
