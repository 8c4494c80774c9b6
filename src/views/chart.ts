/**
 * Server-rendered charts for the insights page: a stacked bar chart as inline SVG (no script, no style attribute:
 * the CSP stays as it is; colours are presentation attributes) with a legend, and the same numbers as a table under
 * it for screen readers and keyboard users. The SVG is one image (role="img") named by the chart's title and
 * described by its total; its own texts are hidden from assistive technology (the table says everything). A wide
 * table scrolls in a region that takes the keyboard focus.
 */
import { html, type SafeHtml } from './html.js';

/** Colours that read on a light and a dark card (contrast ≥ 3:1 against both, as graphics need). */
const PALETTE = ['#3b82f6', '#d97706', '#16a34a', '#dc2626', '#9333ea', '#0891b2'] as const;

export interface ChartSeries {
  label: string;
  values: readonly number[];
  total: number;
}

export interface ChartProps {
  id: string;
  title: string;
  summary: string;
  scale: (max: number) => string;
  /** Bucket labels (the table's first column; the first and last also under the axis). */
  labels: readonly string[];
  series: readonly ChartSeries[];
  bucketHeading: string;
  totalLabel: string;
}

const W = 640;
const H = 220;
const PAD = { left: 8, right: 8, top: 24, bottom: 28 };

export function barChart(p: ChartProps): SafeHtml {
  const n = p.labels.length;
  const sums = p.labels.map((_, i) => p.series.reduce((a, s) => a + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...sums);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, n);
  const barW = Math.max(2, slot * 0.7);
  const bars: SafeHtml[] = [];
  for (let i = 0; i < n; i++) {
    let y = PAD.top + plotH;
    const x = PAD.left + i * slot + (slot - barW) / 2;
    p.series.forEach((s, k) => {
      const v = s.values[i] ?? 0;
      if (v <= 0) return;
      const h = (v / max) * plotH;
      y -= h;
      bars.push(html`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${PALETTE[k % PALETTE.length]}"></rect>`);
    });
  }
  const total = p.series.reduce((a, s) => a + s.total, 0);
  const titleId = `${p.id}-title`;
  const descId = `${p.id}-desc`;
  return html`<section class="chart" aria-labelledby="${titleId}">
<h2 id="${titleId}">${p.title}</h2>
<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${titleId}" aria-describedby="${descId}" focusable="false" data-chart="${p.id}">
<desc id="${descId}">${p.summary}</desc>
<g aria-hidden="true">
<line x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${W - PAD.right}" y2="${PAD.top + plotH}" stroke="currentColor" stroke-width="1"></line>
<text x="${PAD.left}" y="14" font-size="12" fill="currentColor">${p.scale(max)}</text>
${bars}
<text x="${PAD.left}" y="${H - 8}" font-size="12" fill="currentColor">${p.labels[0] ?? ''}</text>
<text x="${W - PAD.right}" y="${H - 8}" font-size="12" fill="currentColor" text-anchor="end">${p.labels[n - 1] ?? ''}</text>
</g>
</svg>
<ul class="legend" aria-hidden="true">
${p.series.map((s, k) => html`<li><svg viewBox="0 0 10 10" focusable="false"><rect width="10" height="10" fill="${PALETTE[k % PALETTE.length]}"></rect></svg>${s.label}: ${s.total}</li>`)}
</ul>
<div class="table-wrap" tabindex="0" role="region" aria-labelledby="${p.id}-caption">
<table class="data" id="${p.id}-table" data-total="${total}">
<caption id="${p.id}-caption">${p.title}</caption>
<thead><tr><th scope="col">${p.bucketHeading}</th>${p.series.map((s) => html`<th scope="col">${s.label}</th>`)}</tr></thead>
<tbody>
${p.labels.map((label, i) => html`<tr><th scope="row">${label}</th>${p.series.map((s) => html`<td>${s.values[i] ?? 0}</td>`)}</tr>`)}
</tbody>
<tfoot><tr><th scope="row">${p.totalLabel}</th>${p.series.map((s) => html`<td data-series-total="${s.label}">${s.total}</td>`)}</tr></tfoot>
</table>
</div>
</section>`;
}
