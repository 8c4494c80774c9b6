/**
 * Loopback helpers for the harness: free ports, readiness polling, and the emulator's control API.
 * Rules: only 127.0.0.1; every wait has a deadline and names what it waited for; control calls that fail throw
 * with the path and status (never a body, which could hold a code).
 */
import { createServer } from 'node:net';
import { request } from 'node:http';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** One GET without keep-alive; resolves with the status, or 0 when nothing answered. */
export function probe(url: string, timeoutMs = 1000): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

/**
 * Polls `url` every `intervalMs` until it answers 200; returns the time it took. Rejects after `timeoutMs`, or
 * as soon as `exited` settles (the process died during start-up).
 */
export async function waitFor200(
  url: string,
  opts: { timeoutMs: number; intervalMs?: number; exited?: Promise<unknown>; what: string },
): Promise<number> {
  const t0 = performance.now();
  let dead = false;
  void opts.exited?.then(() => (dead = true));
  for (;;) {
    if ((await probe(url, 500)) === 200) return performance.now() - t0;
    if (dead) throw new Error(`${opts.what} exited before answering ${url}`);
    if (performance.now() - t0 > opts.timeoutMs) throw new Error(`${opts.what} did not answer 200 on ${url} within ${opts.timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 10));
  }
}

export interface LoggedCall {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  status: number;
}

/**
 * Start-up probe for the portal: the first 200 from GET /readyz; if /readyz answers 404 (a portal without it), the
 * first 200 from GET / instead. Returns the time from the call and the path that answered.
 */
export async function waitReady(
  baseUrl: string,
  opts: { timeoutMs: number; intervalMs: number; exited: Promise<unknown>; what: string },
): Promise<{ ms: number; path: string }> {
  const t0 = performance.now();
  let path = '/readyz';
  let dead = false;
  void opts.exited.then(() => (dead = true));
  for (;;) {
    const status = await probe(baseUrl + path, 500);
    if (status === 200) return { ms: performance.now() - t0, path };
    if (status === 404 && path === '/readyz') {
      path = '/';
      continue;
    }
    if (dead) throw new Error(`${opts.what} exited before answering ${path}`);
    if (performance.now() - t0 > opts.timeoutMs) {
      throw new Error(`${opts.what} did not answer 200 on ${path} within ${opts.timeoutMs} ms (last status ${status || 'none'})`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs));
  }
}

export class EmulatorControl {
  constructor(readonly baseUrl: string) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/_emulator/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`emulator control ${method} /_emulator/${path.split('?')[0]} answered ${res.status}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  reset(): Promise<unknown> {
    return this.call('POST', 'reset');
  }

  /** Adds `latencyMs` to every Okta API call (not to the control API). */
  async setLatency(latencyMs: number): Promise<void> {
    await this.call('DELETE', 'faults');
    if (latencyMs > 0) await this.call('POST', 'faults', { path: '/api/v1/*', latencyMs });
  }

  async requests(): Promise<LoggedCall[]> {
    return (await this.call<{ requests: LoggedCall[] }>('GET', 'requests')).requests;
  }

  clearRequests(): Promise<unknown> {
    return this.call('DELETE', 'requests');
  }
}
