/**
 * liveStreams: a push step's state as server-sent events, in the format /assets/push.js reads — `state` events
 * carrying only {"state": waiting | verified | rejected | expired | moved}. Used by the recovery push page
 * (./pages/push-events.ts) and the account's push steps (./account/pages.ts).
 * Rules:
 * - The first check happens before the stream opens, so a missing flow, session or step gets the ordinary error
 *   answer (EventSource then gives up and push.js falls back).
 * - One check per poll interval (the core throttles its own Okta polls); the state is sent when it changes, with
 *   a comment line every 15 s while nothing changes, to keep proxies from closing the stream.
 * - 'waiting' is the only state that keeps the stream open: it ends at once on any other state, so after
 *   'verified' check() is never called again (on a verified recovery flow each status call issues a fresh ott).
 *   Only the state goes out, never anything else the check saw.
 * - It also ends on an error (sent as 'moved' so the page reloads and shows where things stand), when the client
 *   leaves, after `maxMs`, and when the app closes (preClose). Transient errors (IDP_UNAVAILABLE, RATE_LIMITED)
 *   keep it open and back off, up to 30 s.
 * - At most MAX_STREAMS_PER_KEY concurrent streams per key (a flow, a session); more get RATE_LIMITED.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isPortalError, PortalError, type ErrorCode } from '../core/errors.js';

export type LiveState = 'waiting' | 'verified' | 'rejected' | 'expired' | 'moved';

export const MAX_STREAMS_PER_KEY = 3;
const KEEPALIVE_MS = 15_000;
const MAX_BACKOFF_MS = 30_000;
const TRANSIENT = new Set<string>(['IDP_UNAVAILABLE', 'RATE_LIMITED']);

export interface LiveStreamOptions {
  intervalMs: number;
  maxMs: number;
  /** Names the streams in the RATE_LIMITED detail: `too many <what> event streams`. */
  what: string;
  /** Told of each transient error the stream backs off from (e.g. to log it). */
  onTransient?: (request: FastifyRequest, code: ErrorCode) => void;
}

export interface LiveStreams {
  /** Streams `check()` to the client until a final state. `key` identifies the flow or session (for the cap). */
  stream(request: FastifyRequest, reply: FastifyReply, key: string, check: () => Promise<LiveState>): Promise<void>;
}

export function liveStreams(app: FastifyInstance, opts: LiveStreamOptions): LiveStreams {
  const open = new Set<() => void>();
  const perKey = new Map<string, number>();
  app.addHook('preClose', (done) => {
    for (const stop of [...open]) stop();
    done();
  });

  return {
    async stream(request, reply, key, check) {
      if ((perKey.get(key) ?? 0) >= MAX_STREAMS_PER_KEY) {
        throw new PortalError('RATE_LIMITED', { retryAfterSeconds: 10, detail: `too many ${opts.what} event streams` });
      }
      const first = await check();
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
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
      let last: LiveState | null = null;
      let lastWrite = Date.now();
      let delay = opts.intervalMs;
      let timer: NodeJS.Timeout | undefined;
      let closed = false;

      const stop = (): void => {
        if (closed) return;
        closed = true;
        if (timer) clearTimeout(timer);
        open.delete(stop);
        const n = (perKey.get(key) ?? 1) - 1;
        if (n <= 0) perKey.delete(key);
        else perKey.set(key, n);
        res.end();
      };
      open.add(stop);
      res.on('close', stop);

      /** Sends the state when it changed (else a keep-alive now and then); true when the stream must end. */
      const deliver = (state: LiveState): boolean => {
        if (state !== last) {
          res.write(`event: state\ndata: ${JSON.stringify({ state })}\n\n`);
          last = state;
          lastWrite = Date.now();
        } else if (Date.now() - lastWrite >= KEEPALIVE_MS) {
          res.write(': waiting\n\n');
          lastWrite = Date.now();
        }
        return state !== 'waiting';
      };

      const tick = async (): Promise<void> => {
        timer = undefined;
        if (closed) return;
        if (Date.now() - startedAt >= opts.maxMs) return stop();
        try {
          const state = await check();
          delay = opts.intervalMs;
          if (closed) return;
          if (deliver(state)) return stop();
        } catch (err) {
          if (closed) return;
          if (!(isPortalError(err) && TRANSIENT.has(err.code))) {
            deliver('moved');
            return stop();
          }
          delay = Math.min(delay * 2, MAX_BACKOFF_MS);
          opts.onTransient?.(request, err.code);
        }
        timer = setTimeout(() => void tick(), delay);
      };

      if (deliver(first)) return stop();
      timer = setTimeout(() => void tick(), delay);
    },
  };
}
