/**
 * GET /recover/push/events: the push's state as server-sent events while the push page is open.
 * Rules:
 * - Asks the core (recovery.status) once per poll interval; the core itself polls Okta at most once per interval
 *   per flow, so several open tabs cost no extra Okta calls. The first check happens before the stream opens, so a
 *   missing or expired flow gets the ordinary error answer (EventSource then gives up and push.js falls back).
 * - Each `state` event carries only {"state": ...}: waiting | verified | rejected | expired | moved (any other flow
 *   state: the page reloads to find it). Never the ott: on 'verified' the stream ends at once and status() is not
 *   called again (each call on a verified flow issues a fresh ott); the password page renders the ott server-side.
 * - The state is sent when it changes, with a comment line every 15 s to keep proxies from closing the stream.
 * - The stream ends on any final state, on a flow error (FLOW_EXPIRED, TOO_MANY_ATTEMPTS ...: sent as 'moved'),
 *   when the client goes away, after the flow's lifetime, and when the app closes (preClose). Transient errors
 *   (IDP_UNAVAILABLE, RATE_LIMITED) keep the stream open and back off.
 * - At most MAX_STREAMS_PER_FLOW concurrent streams per flow cookie; more get RATE_LIMITED.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isPortalError, PortalError } from '../../core/errors.js';
import type { RecoveryService, StatusResult } from '../../core/recovery/api.js';
import type { ResolvedHttpConfig } from '../config.js';
import { requestContext } from '../context.js';
import { requireHandle } from '../flow.js';
import { PAGE_PATHS } from './paths.js';

export type PushEventState = 'waiting' | 'verified' | 'rejected' | 'expired' | 'moved';

export const MAX_STREAMS_PER_FLOW = 3;
const KEEPALIVE_MS = 15_000;
const TRANSIENT = new Set(['IDP_UNAVAILABLE', 'RATE_LIMITED']);

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
  const intervalMs = Math.max(1, cfg.pages?.pushPollIntervalSeconds ?? 3) * 1000;
  const maxMs = cfg.flowTtlSeconds * 1000;
  const open = new Set<() => void>();
  const perFlow = new Map<string, number>();

  app.addHook('preClose', (done) => {
    for (const stop of [...open]) stop();
    done();
  });

  app.get(PAGE_PATHS.pushEvents, async (request: FastifyRequest, reply) => {
    const handle = requireHandle(request, cfg);
    const flowKey = handle.split('.', 1)[0] ?? handle;
    if ((perFlow.get(flowKey) ?? 0) >= MAX_STREAMS_PER_FLOW) {
      throw new PortalError('RATE_LIMITED', { retryAfterSeconds: 10, detail: 'too many push event streams' });
    }
    const status = () => recovery.status({ handle, ctx: requestContext(request) });
    const first = await status();

    perFlow.set(flowKey, (perFlow.get(flowKey) ?? 0) + 1);
    reply.hijack();
    const res = reply.raw;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(reply.getHeaders())) if (typeof v === 'string') headers[k] = v;
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');

    const startedAt = Date.now();
    let last: PushEventState | null = null;
    let timer: NodeJS.Timeout | undefined;
    let lastWrite = Date.now();
    let delay = intervalMs;
    let closed = false;

    const stop = (): void => {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      open.delete(stop);
      const n = (perFlow.get(flowKey) ?? 1) - 1;
      if (n <= 0) perFlow.delete(flowKey);
      else perFlow.set(flowKey, n);
      res.end();
    };
    open.add(stop);
    res.on('close', stop);

    const send = (state: PushEventState): void => {
      if (state !== last) {
        res.write(`event: state\ndata: ${JSON.stringify({ state })}\n\n`);
        last = state;
        lastWrite = Date.now();
      } else if (Date.now() - lastWrite >= KEEPALIVE_MS) {
        res.write(': waiting\n\n');
        lastWrite = Date.now();
      }
    };

    /** Sends the state; true when the stream must end. */
    const deliver = (s: StatusResult): boolean => {
      const state = eventState(s);
      send(state);
      return state !== 'waiting';
    };

    const tick = async (): Promise<void> => {
      timer = undefined;
      if (closed) return;
      if (Date.now() - startedAt >= maxMs) return stop();
      try {
        const s = await status();
        delay = intervalMs;
        if (closed) return;
        if (deliver(s)) return stop();
      } catch (err) {
        if (closed) return;
        if (!(isPortalError(err) && TRANSIENT.has(err.code))) {
          send('moved');
          return stop();
        }
        delay = Math.min(delay * 2, 30_000);
        request.log.info({ errCode: err.code }, 'push events: transient error, backing off');
      }
      timer = setTimeout(() => void tick(), delay);
    };

    if (deliver(first)) return stop();
    timer = setTimeout(() => void tick(), delay);
  });
}
