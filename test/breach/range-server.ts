/**
 * A Pwned Passwords range server on loopback for tests: answers GET /range/{5 hex} with the suffixes of the given
 * breached passwords under that prefix (plus padding lines with count 0 when Add-Padding is asked for), and records
 * every request path and its headers. `mode` switches it to failing answers.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RangeServer {
  url: string;
  requests: { path: string; headers: IncomingHttpHeaders }[];
  mode: 'ok' | 'error500' | 'hang' | 'garbage';
  close(): Promise<void>;
}

export const sha1 = (s: string): string => createHash('sha1').update(s, 'utf8').digest('hex').toUpperCase();

export async function startRangeServer(breached: Record<string, number>): Promise<RangeServer> {
  const byPrefix = new Map<string, string[]>();
  for (const [pw, count] of Object.entries(breached)) {
    const h = sha1(pw);
    const list = byPrefix.get(h.slice(0, 5)) ?? [];
    list.push(`${h.slice(5)}:${count}`);
    byPrefix.set(h.slice(0, 5), list);
  }
  const state: RangeServer = {
    url: '',
    requests: [],
    mode: 'ok',
    close: async () => undefined,
  };
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    state.requests.push({ path: req.url ?? '', headers: req.headers });
    if (state.mode === 'hang') {
      hanging.add(res);
      return;
    }
    if (state.mode === 'error500') {
      res.writeHead(500).end('oops');
      return;
    }
    if (state.mode === 'garbage') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('<html>not a range answer</html>');
      return;
    }
    const m = /^\/range\/([0-9A-F]{5})$/.exec(req.url ?? '');
    if (!m) {
      res.writeHead(400).end();
      return;
    }
    const lines = [...(byPrefix.get(m[1]!) ?? [])];
    // Some real-looking neighbours, and padding (count 0) when asked for.
    lines.push('0018A45C4D1DEF81644B54AB7F969B88D65:10', '00D4F6E8FA6EECAD2A3AA415EEC418D38EC:2');
    if (req.headers['add-padding'] === 'true') {
      for (let i = 0; i < 20; i++) lines.push(`${sha1(`pad${i}`).slice(5)}:0`);
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(lines.join('\r\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
