// The emulator's shared services, decorated onto the Fastify instance as `app.emu`, plus per-request metadata.
// Rules: exactly one Clock, OrgState, Faults, RequestLog and RateLimiter per emulator; reset() returns all of them
// to the seed (the clock keeps running, only its advanced offset is dropped).
import type { Clock } from './clock.js';
import type { Faults } from './faults.js';
import type { ServiceApps } from './oauth/apps.js';
import type { OrgState } from './org/state.js';
import type { RateLimiter } from './ratelimit.js';
import type { RequestLog } from './requestlog.js';

export interface EmulatorContext {
  clock: Clock;
  state: OrgState;
  faults: Faults;
  requestLog: RequestLog;
  limiter: RateLimiter;
  apiToken: string;
  /** OAuth 2.0 service apps and the access tokens issued to them (emulator/src/oauth/). */
  serviceApps: ServiceApps;
  reset(): void;
}

export interface RequestMeta {
  requestId: string;
  /** True for Okta API paths, false for /_emulator (control API and phone page). */
  isOkta: boolean;
  dropAfter: boolean;
  logged: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    emu: EmulatorContext;
  }
  interface FastifyRequest {
    meta: RequestMeta;
  }
}

export function isControlPath(path: string): boolean {
  return path === '/_emulator' || path.startsWith('/_emulator/');
}

export function pathOf(url: string): string {
  const i = url.indexOf('?');
  return i === -1 ? url : url.slice(0, i);
}
