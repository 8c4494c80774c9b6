/**
 * The transport's logger: what a request log line may contain.
 * Rules:
 * - Request lines carry the method, the URL path (never the query string) and the status; nothing else of the
 *   request: no headers, no cookies, no body, no remote port.
 * - Errors are serialised by hand (name, message, code, detail, stack, causes' name/message): arbitrary enumerable
 *   properties of library errors (request options, headers, tokens) never reach a log line.
 * - Defence in depth: cookie / authorization / x-csrf-token headers and password / confirmPassword / ott / code /
 *   _csrf fields are redacted wherever a caller might log them.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

const MAX_PATH = 256;

/** The path of a "This wasn't me" link carries its token: logged as /report/[redacted]. */
const REPORT_TOKEN_RE = /\/report\/[^/]*/;

export function pathOnly(url: unknown): string {
  const s = typeof url === 'string' ? url : '';
  return (s.split('?', 1)[0] ?? '').replace(REPORT_TOKEN_RE, '/report/[redacted]').slice(0, MAX_PATH);
}

interface LoggedError {
  type: string;
  message: string;
  code?: string;
  detail?: string;
  statusCode?: number;
  stack?: string;
  cause?: LoggedError;
}

export function serializeError(err: unknown, depth = 0): LoggedError | undefined {
  if (err === null || err === undefined) return undefined;
  if (!(err instanceof Error)) return { type: typeof err, message: 'non-error value thrown' };
  const e = err as Error & { code?: unknown; detail?: unknown; statusCode?: unknown };
  const out: LoggedError = { type: e.name, message: String(e.message).slice(0, 1000) };
  if (typeof e.code === 'string') out.code = e.code;
  if (typeof e.detail === 'string') out.detail = e.detail;
  if (typeof e.statusCode === 'number') out.statusCode = e.statusCode;
  if (typeof e.stack === 'string') out.stack = e.stack;
  if (depth < 3 && e.cause !== undefined) {
    const cause = serializeError(e.cause, depth + 1);
    if (cause) out.cause = cause;
  }
  return out;
}

export const LOG_SERIALIZERS = {
  req: (req: { method?: unknown; url?: unknown }) => ({
    method: typeof req.method === 'string' ? req.method : undefined,
    path: pathOnly(req.url),
  }),
  res: (res: { statusCode?: unknown }) => ({ statusCode: res.statusCode }),
  err: (err: unknown) => serializeError(err),
};

/** Secret wherever they appear (top level and one level down). */
const SECRET_FIELDS = ['password', 'confirmPassword', 'ott', '_csrf', 'csrfToken', 'handle'];
/** Secret inside a request body (elsewhere `code` is an error code). */
const SECRET_BODY_FIELDS = [...SECRET_FIELDS, 'code', 'totpSetup'];
const SECRET_HEADERS = ['cookie', 'authorization', '"x-csrf-token"', '"set-cookie"'];

export const LOG_REDACT_PATHS: string[] = [
  ...SECRET_HEADERS.flatMap((h) => [`headers.${h}`, `req.headers.${h}`, `request.headers.${h}`]),
  ...SECRET_BODY_FIELDS.flatMap((f) => [`body.${f}`, `req.body.${f}`, `request.body.${f}`]),
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]),
].map((p) => p.replace(/\.("[^"]+")/g, '[$1]'));

/** The Fastify logger for the portal: the caller's pino logger with our serializers and redaction. */
export function httpLogger(base: FastifyBaseLogger): FastifyBaseLogger {
  return base.child({}, { serializers: LOG_SERIALIZERS, redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' } });
}

type LogMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Fastify's per-request child logger (the `reqId` binding), created on the first line logged at an enabled level.
 * Creating a pino child runs our redaction over its bindings (about 1 µs, 6 to 9 % of GET /'s CPU at
 * LOG_LEVEL=warn), and at warn most requests log nothing. Hand-written: pino has no lazy child. The lines, their
 * bindings, serializers and redaction are those of the eager child, which this creates with the same arguments.
 */
class LazyChildLogger implements FastifyBaseLogger {
  #child: FastifyBaseLogger | null = null;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
    private readonly values: Readonly<Record<string, number>>,
  ) {}

  get level(): string {
    return this.#child ? this.#child.level : (this.options.level ?? this.parent.level);
  }

  set level(level: string) {
    this.real().level = level;
  }

  isLevelEnabled(level: string): boolean {
    const threshold = this.values[this.level];
    const value = this.values[level];
    return threshold !== undefined && value !== undefined && value >= threshold;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real().child(bindings, options);
  }

  fatal(...args: unknown[]): void {
    this.log('fatal', args);
  }
  error(...args: unknown[]): void {
    this.log('error', args);
  }
  warn(...args: unknown[]): void {
    this.log('warn', args);
  }
  info(...args: unknown[]): void {
    this.log('info', args);
  }
  debug(...args: unknown[]): void {
    this.log('debug', args);
  }
  trace(...args: unknown[]): void {
    this.log('trace', args);
  }
  silent(): void {}

  private log(method: LogMethod, args: unknown[]): void {
    if (this.#child || this.isLevelEnabled(method)) (this.real()[method] as (...a: unknown[]) => void)(...args);
  }

  private real(): FastifyBaseLogger {
    return (this.#child ??= this.parent.child(this.bindings, this.options));
  }
}

/** Fastify's childLoggerFactory for the portal: a lazy child of a pino logger (any other logger: its own child). */
export function lazyChildLogger(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  const values = (logger as { levels?: { values?: Record<string, number> } }).levels?.values;
  return values ? new LazyChildLogger(logger, bindings, options, values) : logger.child(bindings, options);
}
