/**
 * GET /recover/push/events: the push's state as server-sent events while the push page is open.
 * Rules:
 * - Asks the core (recovery.status) once per poll interval; the core itself polls Okta at most once per interval
 *   per flow, so several open tabs cost no extra Okta calls. The first check happens before the stream opens, so a
 *   missing or expired flow gets the ordinary error answer (EventSource then gives up and push.js falls back).
 * - Each `state` event carries only {"state": ...}: waiting | verified | rejected | expired | moved (any other flow
 *   state: the page reloads to find it). Never the ott: on 'verified' the stream ends at once and status() is not
 *   called again (each call on a verified flow issues a fresh ott); the password page renders the ott server-side.
 * - The stream itself (keep-alives, when it ends, back-off on transient errors, the per-flow cap of
 *   MAX_STREAMS_PER_FLOW) is ../sse.ts; transient errors are logged here with their code only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RecoveryService, StatusResult } from '../../core/recovery/api.js';
import type { ResolvedHttpConfig } from '../config.js';
import { requestContext } from '../context.js';
import { requireHandle } from '../flow.js';
import { liveStreams, MAX_STREAMS_PER_KEY, type LiveState } from '../sse.js';
import { PAGE_PATHS } from './paths.js';

export type PushEventState = LiveState;

export const MAX_STREAMS_PER_FLOW = MAX_STREAMS_PER_KEY;

export function eventState(s: StatusResult): PushEventState {
  switch (s.state) {
    case 'waiting':
    case 'verified':
    case 'rejected':
    case 'expired':
      return s.state;
    default:
      return 'moved';
  }
}

export interface PushEventsDeps {
  recovery: RecoveryService;
  cfg: ResolvedHttpConfig;
}

export async function pushEventsRoute(app: FastifyInstance, { recovery, cfg }: PushEventsDeps): Promise<void> {
  const live = liveStreams(app, {
    intervalMs: Math.max(1, cfg.pages?.pushPollIntervalSeconds ?? 3) * 1000,
    maxMs: cfg.flowTtlSeconds * 1000,
    what: 'push',
    onTransient: (request, code) => request.log.info({ errCode: code }, 'push events: transient error, backing off'),
  });

  app.get(PAGE_PATHS.pushEvents, async (request: FastifyRequest, reply) => {
    const handle = requireHandle(request, cfg);
    const flowKey = handle.split('.', 1)[0] ?? handle;
    // Only the state leaves this function: never the ott a verified status carries.
    const check = async () => eventState(await recovery.status({ handle, ctx: requestContext(request) }));
    await live.stream(request, reply, flowKey, check);
  });
}
