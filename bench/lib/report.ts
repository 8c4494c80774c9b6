/**
 * Turns a BenchResults into the readable table (Markdown, printed and written to latest.md) and the chart (SVG).
 * Rules: every figure states its unit; ratios are against the bare Fastify baseline measured in the same run;
 * the SVG is hand-written (two small line charts need no charting library) and has no script or external reference.
 */
import { isSkipped, type BenchResults, type RoundResult } from './types.js';

const STEPS = ['csrf', 'start', 'challenge', 'verify', 'password'] as const;

const fmt = (x: number | null | undefined, digits = 1): string =>
  x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(digits);
const int = (x: number | null | undefined): string =>
  x === null || x === undefined || Number.isNaN(x) ? '–' : Math.round(x).toLocaleString('en-US');
const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(0)} %`);

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function stepCell(r: RoundResult, step: string): string {
  const s = r.steps[step];
  return s ? `${fmt(s.p50)} / ${fmt(s.p99)}` : '–';
}

function failures(r: RoundResult): string {
  const parts = Object.entries(r.failures).map(([k, n]) => `${n}× ${k}`);
  if (r.skipped) parts.push(`${r.skipped} skipped (in-flight cap)`);
  if (r.exhausted) parts.push('users exhausted');
  return parts.length ? parts.join('; ') : 'none';
}

export function toMarkdown(res: BenchResults): string {
  const m = res.meta;
  const out: string[] = [];
  out.push(`# Benchmark results (${m.smoke ? 'SMOKE RUN, not figures' : m.date})`);
  out.push('');
  out.push(
    `Machine: ${m.cores} cores (os.availableParallelism()), ${m.cpuModel}, ${m.platform}, Node ${m.node}. ` +
      `Each measurement: ${m.warmupSec} s warm-up, then ${m.durationSec} s. Load users: ${m.loadUsers}. ` +
      `Portal and emulator from ${m.source === 'dist' ? 'compiled dist/' : 'TypeScript sources via tsx'}; command: \`${m.command}\`; ` +
      `whole run ${fmt(m.elapsedSec, 0)} s. The load generators share the cores with the servers. ` +
      `Emulator: passwordHashing fast (salted SHA-256 instead of scrypt, load tests only). ` +
      `Portal settings: defaults except LOG_LEVEL=warn, every LIMIT_* raised, PUSH_POLL_INTERVAL_SECONDS=1, ` +
      `OKTA_MAX_CONCURRENCY=${m.oktaMaxConcurrency ?? 10} (default 10), STORE=${m.store}` +
      (m.portalSettings.length ? `, and ${m.portalSettings.join(', ')} (BENCH_PORTAL_*).` : '.'),
  );
  for (const n of m.notes) out.push(`\n> ${n}`);

  out.push('\n## Targets (issue 7)\n');
  out.push(
    table(
      ['figure', 'target', 'measured', 'met'],
      res.targets.map((t) => [t.name, t.target, t.measured + (t.note ? ` (${t.note})` : ''), t.met === null ? 'n/a' : t.met ? 'yes' : '**no**']),
    ),
  );

  const h = res.http;
  out.push(`\n## HTTP throughput (autocannon, ${h.baseline.connections} connections, no pipelining)\n`);
  out.push(
    table(
      ['endpoint', 'req/s', 'vs baseline', 'p50 ms', 'p99 ms', 'server CPU µs/request (× baseline)', 'errors / non-2xx'],
      (
        [
          ['bare Fastify hello world (baseline)', h.baseline],
          ['portal GET / (landing page)', h.landing],
          ['portal GET /api/v1/csrf', h.csrf],
        ] as const
      ).map(([name, x]) => [
        name,
        int(x.requestsPerSec),
        pct(x.requestsPerSec / h.baseline.requestsPerSec),
        fmt(x.latencyMs.p50, 0),
        fmt(x.latencyMs.p99, 0),
        `${int(x.serverCpuUsPerRequest)} (${x.serverCpuUsPerRequest && h.baseline.serverCpuUsPerRequest ? fmt(x.serverCpuUsPerRequest / h.baseline.serverCpuUsPerRequest) : '–'}×)`,
        `${x.errors} / ${x.non2xx}`,
      ]),
    ),
  );

  out.push('\n## Complete recoveries (authenticator-app code, JSON API, closed loop)\n');
  const rounds = res.rounds;
  out.push(
    table(
      ['store', 'Okta +ms', 'concurrency', 'recoveries/s', 'API req/s (vs baseline)', 'recovery p50 / p99 ms', 'portal CPU ms/recovery', 'emulator CPU ms/recovery', 'portal RSS max MB', 'failures'],
      rounds.map((r) => [
        r.store,
        String(r.oktaLatencyMs),
        String(r.concurrency),
        fmt(r.recoveriesPerSec),
        `${int(r.requestsPerSec)} (${pct(r.requestsRatioToBaseline)})`,
        stepCell(r, 'recovery'),
        fmt(r.portalCpuMsPerRecovery),
        fmt(r.emulatorCpuMsPerRecovery),
        fmt(r.portalRssMaxMb, 0),
        failures(r),
      ]),
    ),
  );
  out.push('\nPer step, p50 / p99 ms:\n');
  out.push(
    table(
      ['store', 'Okta +ms', 'concurrency', ...STEPS],
      rounds.map((r) => [r.store, String(r.oktaLatencyMs), String(r.concurrency), ...STEPS.map((s) => stepCell(r, s))]),
    ),
  );

  if (res.halfLoad) {
    const hl = res.halfLoad;
    out.push(
      `\n## What the portal adds (open loop at half the maximum load: ${fmt(hl.rate)} recoveries/s, Okta +${hl.oktaLatencyMs} ms per call)\n`,
    );
    out.push(
      `Portal: ${fmt(hl.portal.recoveriesPerSec)} recoveries/s achieved (${failures(hl.portal)}). ` +
        `Direct (the same Okta calls sent straight to the emulator): ${fmt(hl.direct.recoveriesPerSec)}/s (${failures(hl.direct)}).\n`,
    );
    out.push(
      table(
        ['step', 'Okta calls', 'portal p50 / p99 ms', 'Okta alone p50 / p99 ms', 'added p50 ms', 'added p99 ms', `p99 − ${hl.oktaLatencyMs} ms × calls`],
        hl.steps.map((s) => [
          s.step,
          String(s.oktaCalls),
          s.portal ? `${fmt(s.portal.p50)} / ${fmt(s.portal.p99)}` : '–',
          s.direct ? `${fmt(s.direct.p50)} / ${fmt(s.direct.p99)}` : '(no call)',
          fmt(s.addedP50),
          fmt(s.addedP99),
          fmt(s.nominalAddedP99),
        ]),
      ),
    );
  }

  out.push('\n## Okta API calls per completed recovery (emulator request log, one recovery each)\n');
  out.push(
    table(
      ['method', 'start', 'challenge', 'verify', 'password', 'total', 'calls'],
      res.oktaCalls.map((c) => [
        c.method,
        ...['start', 'challenge', 'verify', 'password'].map((s) => String(c.perStep[s] ?? '–')),
        c.ok ? `**${c.total}**` : `failed: ${c.error ?? '?'}`,
        c.calls.join(', '),
      ]),
    ),
  );

  out.push('\n## Memory and start-up\n');
  out.push(
    table(
      ['figure', 'value'],
      [
        ['portal RSS idle (after start, before load)', `${fmt(res.memory.idleMb)} MB`],
        ['portal RSS under load (highest sample)', `${fmt(res.memory.underLoadMaxMb)} MB`],
        ['portal RSS peak (VmHWM)', `${fmt(res.memory.peakMb)} MB`],
        ['portal RSS after load', `${fmt(res.memory.afterLoadMb)} MB`],
        [`start → ${res.startup.readyPath} answers 200 (median of ${res.startup.samplesMs.length})`, `${fmt(res.startup.medianMs, 0)} ms (${res.startup.samplesMs.map((x) => fmt(x, 0)).join(', ')})`],
      ],
    ),
  );

  out.push(`\n## Stores (same closed loop, Okta +0 ms, back to back on fresh portals; ratio to STORE=${m.store})\n`);
  const ref = Object.entries(res.stores).find(([k]) => k.endsWith('(reference)'))?.[1];
  const refRate = ref && !isSkipped(ref) ? ref.recoveriesPerSec : null;
  const storeRows = Object.entries(res.stores).map(([name, r]) => {
    if (isSkipped(r)) return [name, '–', '–', '–', '–', '–', '–', '–', `not run: ${r.notRun}`];
    return [
      name,
      String(r.concurrency),
      fmt(r.recoveriesPerSec),
      refRate ? pct(r.recoveriesPerSec / refRate) : '–',
      stepCell(r, 'recovery'),
      STEPS.map((s) => fmt(r.steps[s]?.p50)).join(' / '),
      fmt(r.portalCpuMsPerRecovery),
      fmt(r.portalRssMaxMb, 0),
      failures(r),
    ];
  });
  out.push(
    table(
      ['store', 'concurrency', 'recoveries/s', `vs ${m.store}`, 'recovery p50 / p99 ms', `p50 ms: ${STEPS.join(' / ')}`, 'portal CPU ms/recovery', 'portal RSS max MB', 'failures'],
      storeRows,
    ),
  );

  if (res.insights?.length) {
    const n = res.insights.find((r) => !('notRun' in r));
    out.push(`\n## Insights query (audit log of ${n && !('notRun' in n) ? n.events.toLocaleString('en') : '–'} generated events over 30 days; hourly counts → report, median / max of 15 runs)\n`);
    out.push(
      table(
        ['store', 'events written in', '24 h ms', '7 d ms', '30 d ms', 'count rows read (30 d)'],
        res.insights.map((r) => {
          if ('notRun' in r) return [r.store, '–', '–', '–', '–', `not run: ${r.notRun}`];
          const q = (p: string) => {
            const x = r.queries.find((y) => y.period === p);
            return x ? `${fmt(x.medianMs)} / ${fmt(x.maxMs)}` : '–';
          };
          return [r.store, `${fmt(r.writeSec)} s`, q('24h'), q('7d'), q('30d'), String(r.queries.find((y) => y.period === '30d')?.countRows ?? '–')];
        }),
      ),
    );
  }
  return out.join('\n') + '\n';
}

interface Series {
  name: string;
  color: string;
  points: { x: number; y: number }[];
}

function panel(title: string, yLabel: string, series: Series[], xs: number[], ox: number): string {
  const W = 360;
  const H = 220;
  const left = ox + 56;
  const top = 40;
  const plotW = W - 76;
  const plotH = H - 70;
  const ys = series.flatMap((s) => s.points.map((p) => p.y)).filter((y) => Number.isFinite(y));
  const { max: yMax, step: yStep } = niceAxis(Math.max(1, ...ys));
  const xPos = (x: number) => {
    const i = xs.indexOf(x);
    return left + (xs.length === 1 ? plotW / 2 : (i / (xs.length - 1)) * plotW);
  };
  const yPos = (y: number) => top + plotH - (y / yMax) * plotH;
  const parts: string[] = [];
  parts.push(`<text x="${left + plotW / 2}" y="22" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
  parts.push(`<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#333"/>`);
  parts.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#333"/>`);
  for (let v = 0; v <= yMax + yStep / 2; v += yStep) {
    const y = yPos(v);
    parts.push(`<line x1="${left}" y1="${y}" x2="${left + plotW}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${y + 4}" text-anchor="end">${Number(v.toPrecision(6))}</text>`);
  }
  for (const x of xs) parts.push(`<text x="${xPos(x)}" y="${top + plotH + 16}" text-anchor="middle">${x}</text>`);
  parts.push(`<text x="${left + plotW / 2}" y="${top + plotH + 34}" text-anchor="middle">concurrent recoveries</text>`);
  parts.push(
    `<text x="${ox + 14}" y="${top + plotH / 2}" text-anchor="middle" transform="rotate(-90 ${ox + 14} ${top + plotH / 2})">${esc(yLabel)}</text>`,
  );
  for (const s of series) {
    const pts = s.points.filter((p) => Number.isFinite(p.y) && xs.includes(p.x));
    if (pts.length > 1) parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map((p) => `${xPos(p.x)},${yPos(p.y)}`).join(' ')}"/>`);
    for (const p of pts) parts.push(`<circle cx="${xPos(p.x)}" cy="${yPos(p.y)}" r="3.5" fill="${s.color}"><title>${esc(s.name)}: ${p.y.toFixed(1)}</title></circle>`);
  }
  return parts.join('\n');
}

/** A round axis: 4 or 5 steps of 1, 2, 2.5 or 5 × 10^k. */
function niceAxis(v: number): { max: number; step: number } {
  const raw = v / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw) ?? 10 * mag;
  return { max: Math.ceil(v / step) * step, step };
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function toSvg(res: BenchResults): string {
  const colors = ['#1f6feb', '#d1242f', '#1a7f37', '#8250df', '#bf8700'];
  const groups = new Map<string, RoundResult[]>();
  for (const r of res.rounds) {
    const key = `${r.store}, Okta +${r.oktaLatencyMs} ms`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  // Only the main rounds: the store rounds ran at another time of the run (see the Stores table for them).
  const xs = [...new Set([...groups.values()].flat().map((r) => r.concurrency))].sort((a, b) => a - b);
  const series = (pick: (r: RoundResult) => number): Series[] =>
    [...groups].map(([name, rs], i) => ({ name, color: colors[i % colors.length]!, points: rs.map((r) => ({ x: r.concurrency, y: pick(r) })) }));
  const legend = [...groups.keys()]
    .map((name, i) => {
      const x = 20 + (i % 4) * 180;
      const y = 252 + Math.floor(i / 4) * 18;
      return `<rect x="${x}" y="${y}" width="12" height="12" fill="${colors[i % colors.length]}"/><text x="${x + 18}" y="${y + 10}">${esc(name)}</text>`;
    })
    .join('\n');
  const m = res.meta;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="740" height="320" viewBox="0 0 740 320" font-family="sans-serif" font-size="11">
<rect width="740" height="320" fill="#fff"/>
${panel('Complete recoveries per second', 'recoveries/s', series((r) => r.recoveriesPerSec), xs, 0)}
${panel('p99 of a complete recovery', 'ms', series((r) => r.steps.recovery?.p99 ?? NaN), xs, 370)}
${legend}
<text x="20" y="306" fill="#555">${esc(`${m.cores} cores, Node ${m.node}, ${m.durationSec} s per point, ${m.date.slice(0, 10)}; portal + emulator + load generator on the same machine`)}</text>
</svg>
`;
}
