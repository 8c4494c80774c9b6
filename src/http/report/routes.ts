/**
 * "This wasn't me" pages (issue 14, item 4): GET /report/:token shows what happened and a confirmation form (no state
 * change on GET); POST /report/:token (CSRF-protected like every form) uses the link: the report service ends the
 * user's sessions, maybe suspends the user, alerts the security address and audits it. A tampered, expired or used
 * link gets one page (410). The token never reaches a log line (logging.ts masks the path).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isPortalError } from '../../core/errors.js';
import type { ReportService } from '../../core/report.js';
import { reportConfirmPage, reportDonePage, reportInvalidPage } from '../../views/pages/report.js';
import type { ResolvedHttpConfig } from '../config.js';
import { requestContext } from '../context.js';
import { viewContext } from '../view-context.js';

export const REPORT_PATH = '/report';
/** The same over the JSON API (errors in the API's shape; POST needs X-CSRF-Token like every API call). */
export const REPORT_API_PATH = '/api/v1/report';

export interface ReportHttpOptions {
  reports: ReportService;
  /** Whether confirming suspends the user (the page says so beforehand). */
  suspends: boolean;
}

const formBody = {
  type: 'object',
  additionalProperties: false,
  properties: { _csrf: { type: 'string', maxLength: 200 } },
} as const;
const emptyJson = { type: 'object', additionalProperties: false, properties: {} } as const;
const params = {
  type: 'object',
  properties: { token: { type: 'string', maxLength: 200 } },
  required: ['token'],
} as const;

export async function reportRoutes(app: FastifyInstance, cfg: ResolvedHttpConfig, o: ReportHttpOptions): Promise<void> {
  const send = (reply: FastifyReply, body: string, status = 200) =>
    reply.code(status).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').type('text/html; charset=utf-8').send(body);
  const invalid = (request: FastifyRequest, reply: FastifyReply) => send(reply, reportInvalidPage(viewContext(cfg, request)), 410);

  app.get<{ Params: { token: string } }>(`${REPORT_PATH}/:token`, { schema: { params } }, async (request, reply) => {
    try {
      const ticket = await o.reports.check(request.params.token);
      const action = `${cfg.basePath}${REPORT_PATH}/${encodeURIComponent(request.params.token)}`;
      return send(reply, reportConfirmPage(viewContext(cfg, request), { ticket, action, csrfToken: reply.generateCsrf(), suspends: o.suspends }));
    } catch (err) {
      if (isPortalError(err) && err.code === 'REPORT_LINK_INVALID') return invalid(request, reply);
      throw err;
    }
  });

  app.post<{ Params: { token: string } }>(`${REPORT_PATH}/:token`, { schema: { params, body: formBody } }, async (request, reply) => {
    try {
      const r = await o.reports.confirm(request.params.token, requestContext(request));
      return send(reply, reportDonePage(viewContext(cfg, request), r));
    } catch (err) {
      if (isPortalError(err) && err.code === 'REPORT_LINK_INVALID') return invalid(request, reply);
      throw err;
    }
  });

  // JSON API: the same two calls. A refused link is 410 REPORT_LINK_INVALID in the API's error shape.
  app.get<{ Params: { token: string } }>(`${REPORT_API_PATH}/:token`, { schema: { params } }, async (request, reply) => {
    const t = await o.reports.check(request.params.token);
    reply.header('cache-control', 'no-store');
    return { status: 'valid', event: { kind: t.kind, at: new Date(t.at).toISOString(), ip: t.ip, userAgent: t.userAgent }, suspends: o.suspends };
  });

  app.post<{ Params: { token: string } }>(`${REPORT_API_PATH}/:token`, { schema: { params, body: emptyJson } }, async (request) => {
    const r = await o.reports.confirm(request.params.token, requestContext(request));
    return { status: 'reported', suspended: r.suspended };
  });
}
