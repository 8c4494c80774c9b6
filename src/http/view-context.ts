/**
 * Builds the pages' ViewContext: branding and links from configuration (never from the request), and the page
 * language, the one thing taken from the request: the `lang` cookie, else Accept-Language, else the operator's
 * default (src/views/i18n/index.ts).
 */
import type { FastifyRequest } from 'fastify';
import { CATALOGUES, chooseLanguage, LANGUAGE_CODES, type Language } from '../views/i18n/index.js';
import type { LanguageLink, ViewContext } from '../views/layout.js';
import type { ResolvedHttpConfig } from './config.js';
import { ACCOUNT_LANG_TARGETS, AUTH_PATHS } from './account/paths.js';
import { HELPDESK_LANG_TARGETS } from './helpdesk/paths.js';
import { INSIGHTS_PATHS } from './insights/paths.js';
import { brandingOf } from './pages/branding.js';
import { PAGE_PATHS } from './pages/paths.js';
import { PATHS } from './paths.js';

export { LANG_COOKIE } from './context.js';
import { LANG_COOKIE } from './context.js';

/** The pages the language switch may return to (its `back` parameter must be one of these, else the landing page). */
export const LANG_BACK_TARGETS: readonly string[] = [
  PATHS.landing,
  PATHS.start,
  PATHS.method,
  PATHS.code,
  PATHS.push,
  PATHS.password,
  PATHS.done,
  ...ACCOUNT_LANG_TARGETS,
  ...HELPDESK_LANG_TARGETS,
  INSIGHTS_PATHS.home,
];

export function requestLanguage(cfg: ResolvedHttpConfig, request: FastifyRequest): Language {
  const accept = request.headers['accept-language'];
  return chooseLanguage({
    cookie: request.cookies?.[LANG_COOKIE],
    acceptLanguage: typeof accept === 'string' ? accept : undefined,
    fallback: cfg.pages?.defaultLanguage ?? 'en',
  });
}

/** The GET page showing what this request showed, for the language switch's way back. */
function backTarget(cfg: ResolvedHttpConfig, request: FastifyRequest): string {
  const path = (request.url.split('?', 1)[0] ?? '').slice(cfg.basePath.length) || '/';
  if (path === PATHS.resend) return PATHS.code;
  return LANG_BACK_TARGETS.includes(path) ? path : PATHS.landing;
}

export function viewContext(cfg: ResolvedHttpConfig, request: FastifyRequest): ViewContext {
  return viewContextFor(cfg, requestLanguage(cfg, request), backTarget(cfg, request), request.id);
}

/**
 * The ViewContext for a language and a language-switch return page, without a request: what a page that depends on
 * nothing else renders from (the landing page is rendered once per language this way). `requestId` is not rendered
 * by any view; it is '' when there is no request.
 */
export function viewContextFor(cfg: ResolvedHttpConfig, lang: Language, backPath: string, requestId = ''): ViewContext {
  const href = (path: string) => cfg.basePath + path;
  const back = encodeURIComponent(LANG_BACK_TARGETS.includes(backPath) ? backPath : PATHS.landing);
  const languages: LanguageLink[] = LANGUAGE_CODES.map((code) => ({
    code,
    name: CATALOGUES[code].languageName,
    href: href(`${PAGE_PATHS.lang}?to=${code}&back=${back}`),
    current: code === lang,
  }));
  const brand = brandingOf(cfg);
  return {
    orgName: cfg.orgName,
    supportUrl: cfg.supportHref,
    href,
    requestId,
    t: CATALOGUES[lang],
    languages,
    logoHref: brand.logo ? href(`${PATHS.assets}/${brand.logo.file}`) : undefined,
    themeHref: brand.theme ? href(`${PATHS.assets}/${brand.theme.file}`) : undefined,
    signInHref: cfg.signIn ? href(AUTH_PATHS.signIn) : undefined,
    demo: cfg.demo === true,
  };
}
