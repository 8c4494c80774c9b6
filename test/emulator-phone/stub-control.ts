// A stand-in for the emulator's JSON control API (/_emulator/...), with mutable fixture data and a log
// of the actions it received, so the phone page can be tested on its own (rendering, forms, script).
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { registerPhonePage } from '../../emulator/src/phone/page.js';

export const NOW = Date.parse('2030-01-02T03:04:05.000Z');
export const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';

export interface StubData {
  now: number;
  messages: Record<string, unknown>[];
  pushes: Record<string, unknown>[];
  authenticators: Record<string, unknown>[];
  users: Record<string, unknown>[];
  /** Received mail (the mailbox's notifications). */
  mail: Record<string, unknown>[];
  /** Endpoints (like '/outbox') that answer 500 instead of their data. */
  failing: Set<string>;
}

export interface ActionCall {
  action: 'approve' | 'reject' | 'activate';
  id: string;
  body: unknown;
}

export function fixtureData(): StubData {
  return {
    now: NOW,
    messages: [
      { id: 'm1', channel: 'sms', to: '+15555550100', text: 'Your verification code is 123456', code: '123456', userId: 'u1', login: 'jane@example.com', factorId: 'sms1', sentAt: new Date(NOW - 60_000).toISOString() },
      { id: 'm2', channel: 'call', to: '+15555550101', text: '', code: '654321', userId: 'u1', login: 'jane@example.com', factorId: 'call1', sentAt: new Date(NOW - 30_000).toISOString() },
      { id: 'm3', channel: 'email', to: HOSTILE, text: `Hi ${HOSTILE}`, code: '777888', userId: 'u2', login: HOSTILE, factorId: 'em1', sentAt: new Date(NOW - 10_000).toISOString() },
    ],
    pushes: [
      { transactionId: 'v2mst.match1', userId: 'u1', login: 'jane@example.com', factorId: 'push1', createdAt: new Date(NOW - 5_000).toISOString(), expiresAt: new Date(NOW + 125_000).toISOString(), numberChoices: [12, 47, 83] },
      { transactionId: 'plain1', userId: 'u2', login: HOSTILE, factorId: 'push2', createdAt: new Date(NOW - 20_000).toISOString(), expiresAt: new Date(NOW + 280_000).toISOString(), numberChoices: null },
    ],
    authenticators: [
      { factorId: 'totpG', userId: 'u1', login: 'jane@example.com', provider: 'GOOGLE', status: 'ACTIVE', code: '246810', secondsRemaining: 17 },
      { factorId: 'totpO', userId: 'u1', login: 'jane@example.com', provider: 'OKTA', status: 'PENDING_ACTIVATION', code: '135790', secondsRemaining: 17 },
    ],
    users: [
      { id: 'u1', login: 'jane@example.com', status: 'ACTIVE', factors: [{ id: 'push1', factorType: 'push', provider: 'OKTA', status: 'ACTIVE' }] },
      { id: 'u2', login: HOSTILE, status: 'ACTIVE', factors: [
        { id: 'pushPending', factorType: 'push', provider: 'OKTA', status: 'PENDING_ACTIVATION' },
        { id: 'smsPending', factorType: 'sms', provider: 'OKTA', status: 'PENDING_ACTIVATION' },
      ] },
    ],
    mail: [],
    failing: new Set(),
  };
}

/** Registers the stub control API and the real phone page on a fresh Fastify instance. */
export async function buildStubApp(data: StubData, options: FastifyServerOptions = {}): Promise<{ app: FastifyInstance; calls: ActionCall[] }> {
  const app = Fastify({ logger: false, ...options });
  const calls: ActionCall[] = [];
  const list = (path: string, key: string, items: () => unknown[]) =>
    app.get(`/_emulator${path}`, async (_req, reply) => (data.failing.has(path) ? reply.code(500).send({ error: 'boom' }) : { [key]: items() }));
  list('/outbox', 'messages', () => data.messages);
  list('/push', 'pushes', () => data.pushes);
  list('/authenticators', 'authenticators', () => data.authenticators);
  list('/mail', 'mail', () => data.mail);
  list('/users', 'users', () => data.users);
  app.get('/_emulator/clock', async (_req, reply) => (data.failing.has('/clock') ? reply.code(500).send({}) : { now: new Date(data.now).toISOString() }));

  const takePush = (id: string) => {
    const index = data.pushes.findIndex((p) => p.transactionId === id);
    return index < 0 ? undefined : data.pushes.splice(index, 1)[0];
  };
  app.post<{ Params: { id: string } }>('/_emulator/push/:id/approve', async (req, reply) => {
    calls.push({ action: 'approve', id: req.params.id, body: req.body });
    const push = takePush(req.params.id);
    if (push === undefined) return reply.code(404).send({ errorCode: 'E0000191' });
    const choices = push.numberChoices as number[] | null;
    const answer = (req.body as { answer?: unknown } | undefined)?.answer;
    return { factorResult: choices === null || answer === 47 ? 'SUCCESS' : 'REJECTED' };
  });
  app.post<{ Params: { id: string } }>('/_emulator/push/:id/reject', async (req, reply) => {
    calls.push({ action: 'reject', id: req.params.id, body: req.body });
    return takePush(req.params.id) === undefined ? reply.code(404).send({}) : { factorResult: 'REJECTED' };
  });
  app.post<{ Params: { id: string } }>('/_emulator/factors/:id/activate', async (req, reply) => {
    calls.push({ action: 'activate', id: req.params.id, body: req.body });
    for (const user of data.users) {
      for (const f of user.factors as { id: string; status: string }[]) {
        if (f.id === req.params.id) {
          f.status = 'ACTIVE';
          return { id: f.id, status: 'ACTIVE' };
        }
      }
    }
    return reply.code(404).send({});
  });

  await registerPhonePage(app);
  return { app, calls };
}
