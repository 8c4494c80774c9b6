/**
 * The sign-in failure page (GET /auth/callback that could not complete): why, in the user's words (cancelled,
 * invalid or replayed answer, too slow, provider unavailable), with "Sign in again" and the way home. Never an
 * OAuth error description from the provider (it is not ours to show and may be in another language).
 */
import { PATHS } from '../../http/paths.js';
import { AUTH_PATHS } from '../../http/account/paths.js';
import type { Messages } from '../i18n/en.js';
import type { ViewContext } from '../layout.js';
import { messagePage } from './message.js';

export type SignInFailure = keyof Messages['signIn']['reasons'];

export function signInFailedPage(ctx: ViewContext, reason: SignInFailure): string {
  const t = ctx.t.signIn;
  return messagePage(ctx, {
    title: t.failedTitle,
    heading: t.failedHeading,
    message: t.reasons[reason],
    actions: [
      { href: ctx.href(AUTH_PATHS.signIn), label: t.again },
      { href: ctx.href(PATHS.landing), label: ctx.t.common.home },
    ],
  });
}
