/**
 * The request's logger, wherever the code runs during that request (REL / LOG: a request id on every line).
 * Rules:
 * - installLogContext(app) makes `request.log` (Fastify's child logger: it carries `reqId` and the transport's
 *   redaction) the current logger for everything the request's handler awaits: the core, the Okta adapter, the
 *   audit sink, the store's error reports.
 * - scopedLogger(base) answers that logger inside a request and `base` outside one (start-up, timers).
 * Hand-written (two hooks over node:async_hooks) rather than @fastify/request-context, which does the same plus a
 * key/value store we do not need. The context is entered twice: in onRequest, and again in preValidation, because
 * a request body that arrives later than its headers is read on socket events that need not carry that context.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

const current = new AsyncLocalStorage<FastifyBaseLogger>();

export function installLogContext(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    current.run(request.log, done);
  });
  app.addHook('preValidation', (request, _reply, done) => {
    current.run(request.log, done);
  });
}

/** The logger of the request being served, else `base`. */
export function requestLogger<L>(base: L): L | FastifyBaseLogger {
  return current.getStore() ?? base;
}

/** A logger-like object whose every call goes to the current request's logger (or `base`). */
export function scopedLogger<L extends Pick<FastifyBaseLogger, 'debug' | 'info' | 'warn' | 'error'>>(
  base: L,
): Pick<FastifyBaseLogger, 'debug' | 'info' | 'warn' | 'error'> {
  const pick = (): Pick<FastifyBaseLogger, 'debug' | 'info' | 'warn' | 'error'> => current.getStore() ?? base;
  return {
    debug: (...args: Parameters<FastifyBaseLogger['debug']>) => pick().debug(...args),
    info: (...args: Parameters<FastifyBaseLogger['info']>) => pick().info(...args),
    warn: (...args: Parameters<FastifyBaseLogger['warn']>) => pick().warn(...args),
    error: (...args: Parameters<FastifyBaseLogger['error']>) => pick().error(...args),
  };
}
