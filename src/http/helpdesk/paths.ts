/**
 * Route paths of the help-desk console (issue 16), relative to the public base path like PATHS. Links and redirects
 * are built only from these constants (no URL from a request).
 */
export const HELPDESK_PATHS = {
  home: '/helpdesk',
  lookup: '/helpdesk/lookup',
  challenge: '/helpdesk/challenge',
  code: '/helpdesk/code',
  push: '/helpdesk/push',
  pushEvents: '/helpdesk/push/events',
  pushStatus: '/helpdesk/push/status',
  result: '/helpdesk/result',
} as const;

export const HELPDESK_API = {
  lookup: '/api/v1/helpdesk/lookup',
  challenge: '/api/v1/helpdesk/challenge',
  verify: '/api/v1/helpdesk/verify',
  status: '/api/v1/helpdesk/status',
} as const;

/** The console pages the language switch may return to. */
export const HELPDESK_LANG_TARGETS: readonly string[] = [HELPDESK_PATHS.home, HELPDESK_PATHS.code, HELPDESK_PATHS.push, HELPDESK_PATHS.result];
