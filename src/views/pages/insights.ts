/**
 * The insights page (issue 16, item 2): one chart per subject (inline SVG, no script) with its table, a period
 * selector (links: works without JavaScript) and a CSV export of the same numbers.
 */
import { CHART_IDS, PERIODS, type InsightsReport, type Period } from '../../core/insights/report.js';
import { INSIGHTS_PATHS } from '../../http/insights/paths.js';
import { barChart } from '../chart.js';
import { html } from '../html.js';
import { layout, type ViewContext } from '../layout.js';

/** "2026-12-02 10:00" for hourly buckets, "2026-12-02" for daily ones (UTC). */
export function bucketLabel(start: number, bucketMs: number): string {
  const iso = new Date(start).toISOString();
  return bucketMs < 86_400_000 ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
}

export function insightsPage(ctx: ViewContext, p: { report: InsightsReport }): string {
  const t = ctx.t.insights;
  const r = p.report;
  const labels = r.buckets.map((b) => bucketLabel(b, r.bucketMs));
  const href = (period: Period) => ctx.href(`${INSIGHTS_PATHS.home}?period=${period}`);
  const charts = CHART_IDS.map((id) => {
    const chart = r.charts.find((c) => c.id === id)!;
    const words = t.charts[id];
    const series = chart.series.map((s) => ({ label: (words.series as Record<string, string>)[s.id] ?? s.id, values: s.values, total: s.total }));
    return barChart({
      id: `chart-${id}`,
      title: words.title,
      summary: t.chartSummary(series.reduce((a, s) => a + s.total, 0)),
      scale: t.scale,
      labels,
      series,
      bucketHeading: t.bucketColumn,
      totalLabel: t.total,
    });
  });
  return layout(ctx, {
    title: t.title,
    body: html`<h1>${t.heading}</h1>
<p>${t.lead}</p>
<nav aria-label="${t.periodLabel}"><ul class="periods">
${PERIODS.map((period) =>
  period === r.period
    ? html`<li><a href="${href(period)}" aria-current="page">${t.periods[period]}</a></li>`
    : html`<li><a href="${href(period)}">${t.periods[period]}</a></li>`,
)}
</ul></nav>
<p><a href="${ctx.href(`${INSIGHTS_PATHS.csv}?period=${r.period}`)}" download>${t.csv}</a></p>
${charts}`,
  });
}

/** The report as CSV: one line per bucket, chart and series (counts only). */
export function insightsCsv(r: InsightsReport): string {
  const lines = ['period_start,chart,series,count'];
  for (const c of r.charts) {
    for (const s of c.series) {
      r.buckets.forEach((b, i) => lines.push(`${new Date(b).toISOString()},${c.id},${s.id},${s.values[i] ?? 0}`));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
