/**
 * /assets/password.js: the "Show passwords" toggle of the password page. The button is rendered `hidden` and only
 * revealed here, so it never appears where it could not work. It is a toggle button (aria-pressed) whose label
 * stays the same; it switches every field it controls (aria-controls) between type=password and type=text.
 * Rules: reads ids from aria-controls, writes only attributes; no network, no storage.
 */
export const PASSWORD_JS = `(function () {
  'use strict';
  var button = document.getElementById('show-passwords');
  if (!button) return;
  var ids = (button.getAttribute('aria-controls') || '').split(' ');
  var fields = [];
  for (var i = 0; i < ids.length; i++) {
    var f = document.getElementById(ids[i]);
    if (f) fields.push(f);
  }
  if (fields.length === 0) return;
  button.hidden = false;
  button.addEventListener('click', function () {
    var show = button.getAttribute('aria-pressed') !== 'true';
    button.setAttribute('aria-pressed', show ? 'true' : 'false');
    for (var j = 0; j < fields.length; j++) fields[j].setAttribute('type', show ? 'text' : 'password');
  });
  // Never leave a password readable in a field the browser may restore: hide them again on submit.
  var form = button.form;
  if (form) form.addEventListener('submit', function () {
    button.setAttribute('aria-pressed', 'false');
    for (var k = 0; k < fields.length; k++) fields[k].setAttribute('type', 'password');
  });
})();
`;
