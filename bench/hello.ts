/**
 * The baseline: a bare Fastify "hello world" (the handler fastify/benchmarks uses, with a response schema and no
 * logging), so the portal's figures can be read as ratios that hold on a noisy machine.
 * Usage: node --import tsx bench/hello.ts <port>   (127.0.0.1 only; SIGTERM/SIGINT close it).
 */
import Fastify from 'fastify';

const port = Number(process.argv[2] ?? 0);
const app = Fastify({ logger: false });
app.get(
  '/',
  { schema: { response: { 200: { type: 'object', properties: { hello: { type: 'string' } } } } } },
  async () => ({ hello: 'world' }),
);
await app.listen({ host: '127.0.0.1', port });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void app.close().then(() => process.exit(0)));
}
