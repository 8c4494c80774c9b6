/**
 * The pages' own routes beyond PATHS (relative to the public base path, like PATHS).
 * Rules: as for PATHS, links and redirects are built only from constants and the configured base path.
 */
export const PAGE_PATHS = {
  /** GET ?to=<language>&back=<one of LANG_BACK_TARGETS>: sets the `lang` cookie, 303 back. */
  lang: '/lang',
  /** GET text/event-stream: the push's state while the push page is open. */
  pushEvents: '/recover/push/events',
} as const;
