/**
 * Every route path of the portal, relative to the public base path (the path part of PUBLIC_URL).
 * Rules: links and redirects are built only from these constants and the configured base path, never from the
 * request (Host, X-Forwarded-*, query parameters); there is no user-controlled redirect target anywhere.
 */
export const PATHS = {
  landing: '/',
  start: '/recover',
  method: '/recover/method',
  code: '/recover/code',
  resend: '/recover/resend',
  push: '/recover/push',
  password: '/recover/password',
  done: '/recover/done',
  cancel: '/recover/cancel',
  unlock: '/recover/unlock',
  assets: '/assets',
  api: {
    csrf: '/api/v1/csrf',
    recovery: '/api/v1/recovery',
    challenge: '/api/v1/recovery/challenge',
    verify: '/api/v1/recovery/verify',
    status: '/api/v1/recovery/status',
    password: '/api/v1/recovery/password',
    cancel: '/api/v1/recovery/cancel',
    unlock: '/api/v1/recovery/unlock',
  },
} as const;

export const API_PREFIX = '/api/';
