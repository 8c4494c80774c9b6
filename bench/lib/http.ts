/**
 * A minimal keep-alive HTTP/1.1 JSON client for the load generator.
 * Hand-written over node:http instead of fetch: fetch costs noticeably more CPU per request, and the load generator
 * shares the machine's cores with the servers it measures. Cookies are kept per flow (`Jar`), like one browser tab.
 */
import { Agent, request } from 'node:http';

export interface JsonAnswer {
  status: number;
  body: Record<string, unknown> | null;
  /** Milliseconds from sending the request to the end of the response body. */
  ms: number;
}

export class Jar {
  private readonly cookies = new Map<string, string>();

  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  remember(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const pair = line.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

export class JsonClient {
  readonly agent: Agent;
  private readonly url: URL;

  constructor(baseUrl: string, maxSockets: number) {
    this.url = new URL(baseUrl);
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  send(method: string, path: string, opts: { body?: unknown; headers?: Record<string, string>; jar?: Jar } = {}): Promise<JsonAnswer> {
    const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
    const headers: Record<string, string | number> = { accept: 'application/json', ...opts.headers };
    const cookie = opts.jar?.header();
    if (cookie) headers.cookie = cookie;
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const req = request(
        { host: this.url.hostname, port: this.url.port, method, path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            opts.jar?.remember(res.headers['set-cookie']);
            let body: Record<string, unknown> | null = null;
            try {
              body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : null;
            } catch {
              body = null;
            }
            resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - t0 });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
