/**
 * Runs autocannon's CLI as a separate process (--json) against one URL and keeps the figures the report uses.
 * Rules: a separate warm-up run (discarded) precedes the measured run; the server's CPU time (by pid, from /proc)
 * is read around the measured run only, giving CPU per request, a figure that holds up better than req/s on a
 * shared machine; errors, timeouts and non-2xx answers are reported, never hidden.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { spawnChild } from './children.js';
import { cpuMs } from './procfs.js';

export interface HttpFigures {
  url: string;
  connections: number;
  durationSec: number;
  requestsPerSec: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  requests: number;
  errors: number;
  non2xx: number;
  /** Server CPU (user + system, all threads) per request during the measured run, µs. */
  serverCpuUsPerRequest: number | null;
}

function autocannonBin(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('autocannon/package.json')), 'autocannon.js');
}

async function runOnce(url: string, connections: number, durationSec: number): Promise<string> {
  const child = spawnChild('autocannon', [autocannonBin(), '-j', '-c', String(connections), '-d', String(durationSec), url], {});
  let out = '';
  child.proc.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exit = await child.exited;
  if (exit !== '0') throw new Error(`autocannon exited with ${exit}: ${child.tail().slice(-500)}`);
  return out;
}

export async function autocannon(
  url: string,
  serverPid: number,
  opts: { connections: number; durationSec: number; warmupSec: number },
): Promise<HttpFigures> {
  if (opts.warmupSec > 0) await runOnce(url, opts.connections, opts.warmupSec);
  const cpuBefore = cpuMs(serverPid);
  const out = await runOnce(url, opts.connections, opts.durationSec);
  const cpuAfter = cpuMs(serverPid);
  const r = JSON.parse(out) as {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    latency: { mean: number; p50: number; p90: number; p99: number; max: number };
    requests: { average: number; total: number };
  };
  return {
    url,
    connections: opts.connections,
    durationSec: r.duration,
    requestsPerSec: Math.round(r.requests.average),
    latencyMs: { mean: r.latency.mean, p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    requests: r.requests.total,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    serverCpuUsPerRequest:
      cpuBefore === null || cpuAfter === null || r.requests.total === 0
        ? null
        : Math.round(((cpuAfter - cpuBefore) * 1000) / r.requests.total),
  };
}
