/**
 * PageOptions: what the HTML pages take from configuration beyond HttpConfig's basics (branding, password rules,
 * language default, live-status pace). Every field is optional so that a bare HttpConfig still works (tests).
 */
import type { Language } from '../../views/i18n/index.js';

export interface PageOptions {
  /** LOGO_FILE, validated at start (src/config/branding.ts). */
  logo?: { contentType: string; base64: string } | null | undefined;
  /** ACCENT_COLOR as #rrggbb. */
  accentColor?: string | null | undefined;
  /** PASSWORD_REQUIREMENTS lines; absent: the catalogue's default lines. */
  passwordRequirements?: readonly string[] | null | undefined;
  /** The language when neither the `lang` cookie nor Accept-Language names a supported one. Default 'en'. */
  defaultLanguage?: Language | undefined;
  /** Where the done page's "Sign in" goes (SIGN_IN_URL, default the Okta org). Absent: no such link. */
  signInUrl?: string | null | undefined;
  /** Seconds between two status checks of the push-events stream (the core's poll interval). Default 3. */
  pushPollIntervalSeconds?: number | undefined;
}
