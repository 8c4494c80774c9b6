/**
 * The insights page (issue 16, item 2): GET /insights (charts and tables), GET /insights.csv (the same numbers) and
 * GET /api/v1/insights (JSON), each with `?period=24h|7d|30d` (default 7d; anything else: 400).
 * Admission: a live session whose groups contain INSIGHTS_GROUP; no session → sign-in (API: 401); outside the
 * group → 403 FORBIDDEN, audited as `insights.denied`. Only counts leave the server, never a login or a detail.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PortalError } from '../../core/errors.js';
import { isPeriod, type InsightsReport, type InsightsService, type Period } from '../../core/insights/report.js';
import { insightsCsv, insightsPage } from '../../views/pages/insights.js';
import { messagePage } from '../../views/pages/message.js';
import type { AccountRouteDeps } from '../account/context.js';
import { admitGroup } from '../account/groups.js';
import { ACCOUNT_PATHS, AUTH_PATHS } from '../account/paths.js';
import { iso } from '../api/map.js';
import { viewContext } from '../view-context.js';
import { INSIGHTS_API, INSIGHTS_PATHS } from './paths.js';

export interface InsightsHttpOptions {
  service: InsightsService;
  /** INSIGHTS_GROUP: the group name that admits a viewer. */
  group: string;
}

const periodQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { period: { type: 'string', enum: ['24h', '7d', '30d'] } },
} as const;

const periodOf = (request: FastifyRequest): Period => {
  const p = (request.query as { period?: unknown }).period;
  return isPeriod(p) ? p : '7d';
};

export function reportJson(r: InsightsReport) {
  return {
    period: r.period,
    since: iso(r.since),
    until: iso(r.until),
    bucketSeconds: r.bucketMs / 1000,
    buckets: r.buckets.map((b) => iso(b)),
    charts: r.charts.map((c) => ({ id: c.id, series: c.series.map((s) => ({ id: s.id, values: [...s.values], total: s.total })) })),
  };
}

export async function insightsRoutes(app: FastifyInstance, deps: AccountRouteDeps, opts: InsightsHttpOptions): Promise<void> {
  const { cfg } = deps;
  const go = (reply: FastifyReply, path: string) => reply.redirect(cfg.basePath + path, 303);

  /** Pages: sign-in redirect or the 403 page; true when the viewer is admitted. */
  const admitPage = async (request: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    const gate = await admitGroup(request, deps, opts.group, 'insights');
    if (gate.kind === 'member') return true;
    if (gate.kind === 'signin') {
      await go(reply, AUTH_PATHS.signIn);
      return false;
    }
    const ctx = viewContext(cfg, request);
    const body = messagePage(ctx, {
      title: ctx.t.helpdesk.forbiddenTitle,
      heading: ctx.t.helpdesk.forbiddenTitle,
      message: ctx.t.errors.FORBIDDEN,
      actions: [{ href: ctx.href(ACCOUNT_PATHS.home), label: ctx.t.account.back }],
    });
    await reply.code(403).type('text/html; charset=utf-8').send(body);
    return false;
  };

  app.get(INSIGHTS_PATHS.home, { schema: { querystring: periodQuery } }, async (request, reply) => {
    if (!(await admitPage(request, reply))) return reply;
    const report = await opts.service.report(periodOf(request));
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(insightsPage(viewContext(cfg, request), { report }));
  });

  app.get(INSIGHTS_PATHS.csv, { schema: { querystring: periodQuery } }, async (request, reply) => {
    if (!(await admitPage(request, reply))) return reply;
    const period = periodOf(request);
    const report = await opts.service.report(period);
    return reply
      .type('text/csv; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="portal-insights-${period}.csv"`)
      .send(insightsCsv(report));
  });

  app.get(INSIGHTS_API.report, { schema: { querystring: periodQuery } }, async (request) => {
    const gate = await admitGroup(request, deps, opts.group, 'insights');
    if (gate.kind === 'signin') throw new PortalError('SIGN_IN_REQUIRED', { detail: 'no live session' });
    if (gate.kind === 'forbidden') throw new PortalError('FORBIDDEN', { detail: 'not in the insights group' });
    return reportJson(await opts.service.report(periodOf(request)));
  });
}
