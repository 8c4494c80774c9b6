/**
 * /assets/focus.js: after a failed submit, moves the keyboard focus to the first field in error (or, when the error
 * is not about a field, to the error summary), so keyboard and screen-reader users land on what needs fixing.
 * The summary is a role="alert" region and is announced with or without this script.
 * Rules: runs once on load, reads only the DOM, writes nothing but the focus; no network, no storage.
 */
export const FOCUS_JS = `(function () {
  'use strict';
  var summary = document.getElementById('error-summary');
  if (!summary) return;
  var target = document.querySelector('[aria-invalid="true"]') || summary;
  if (target === summary && !summary.hasAttribute('tabindex')) summary.setAttribute('tabindex', '-1');
  target.focus();
})();
`;
