/**
 * /assets/password.js: the password forms' enhancements, each doing nothing when its markup is absent.
 * - Show/Hide per field: buttons [data-reveal-field] are rendered `hidden` and revealed here; each switches its field
 *   between type=password and type=text, and its own text between data-text-show and data-text-hide ("Show" /
 *   "Hide", with aria-label from data-label-show / data-label-hide naming the field).
 * - The older "Show passwords" toggle (#show-passwords, aria-pressed, every field in aria-controls) still works for
 *   pages that use it.
 * - Live checklist: each li[data-rule] of ul[data-live-rules] is checked against #password as the user types
 *   (length ≥ data-min counted in code points; a lowercase / uppercase letter, a digit by Unicode category; a symbol =
 *   neither letter nor digit; no part in data-parts, case-insensitively) and gets class met / unmet, with
 *   data-text-met / data-text-unmet in its visually hidden .rule-state (read with the list, not announced per key).
 *   An empty field clears the marks, except the ones the server set after a refusal.
 * - On submit every field is hidden again (never leave a password readable in a field the browser may restore).
 * Rules: reads ids from data attributes, writes only attributes, classes and textContent; no network, no storage.
 */
export const PASSWORD_JS = `(function () {
  'use strict';
  var toggles = [];
  function hideAll() {
    toggles.forEach(function (t) { t(false); });
  }
  Array.prototype.forEach.call(document.querySelectorAll('button[data-reveal-field]'), function (button) {
    var field = document.getElementById(button.getAttribute('data-reveal-field') || '');
    if (!field) return;
    function set(show) {
      field.setAttribute('type', show ? 'text' : 'password');
      button.textContent = button.getAttribute(show ? 'data-text-hide' : 'data-text-show') || '';
      var label = button.getAttribute(show ? 'data-label-hide' : 'data-label-show');
      if (label) button.setAttribute('aria-label', label);
    }
    toggles.push(set);
    button.hidden = false;
    button.addEventListener('click', function () { set(field.getAttribute('type') === 'password'); });
  });

  var legacy = document.getElementById('show-passwords');
  if (legacy) {
    var ids = (legacy.getAttribute('aria-controls') || '').split(' ');
    var fields = [];
    for (var i = 0; i < ids.length; i++) {
      var f = document.getElementById(ids[i]);
      if (f) fields.push(f);
    }
    if (fields.length > 0) {
      var setAll = function (show) {
        legacy.setAttribute('aria-pressed', show ? 'true' : 'false');
        for (var j = 0; j < fields.length; j++) fields[j].setAttribute('type', show ? 'text' : 'password');
      };
      toggles.push(setAll);
      legacy.hidden = false;
      legacy.addEventListener('click', function () { setAll(legacy.getAttribute('aria-pressed') !== 'true'); });
    }
  }

  var list = document.querySelector('ul[data-live-rules]');
  var input = document.getElementById('password');
  if (list && input) {
    var items = Array.prototype.slice.call(list.querySelectorAll('li[data-rule]'));
    var touched = false;
    var check = function (rule, li, v) {
      switch (rule) {
        case 'length': return Array.from(v).length >= parseInt(li.getAttribute('data-min') || '0', 10);
        case 'lowercase': return /\\p{Ll}/u.test(v);
        case 'uppercase': return /\\p{Lu}/u.test(v);
        case 'number': return /\\p{Nd}/u.test(v);
        case 'symbol': return /[^\\p{L}\\p{Nd}]/u.test(v);
        case 'username':
          var lower = v.toLowerCase();
          return !(li.getAttribute('data-parts') || '').split(' ').some(function (p) { return p !== '' && lower.indexOf(p) >= 0; });
      }
      return true;
    };
    var update = function () {
      var v = input.value;
      if (v === '' && !touched) return;
      touched = true;
      items.forEach(function (li) {
        var state = li.querySelector('.rule-state');
        if (v === '') {
          li.classList.remove('met', 'unmet');
          if (state) state.textContent = '';
          return;
        }
        var ok = check(li.getAttribute('data-rule'), li, v);
        li.classList.toggle('met', ok);
        li.classList.toggle('unmet', !ok);
        if (state) state.textContent = ' (' + (list.getAttribute(ok ? 'data-text-met' : 'data-text-unmet') || '') + ')';
      });
    };
    input.addEventListener('input', update);
  }

  Array.prototype.forEach.call(document.querySelectorAll('form'), function (form) {
    if (form.querySelector('input[type="password"], button[data-reveal-field], #show-passwords')) form.addEventListener('submit', hideAll);
  });
})();
`;
