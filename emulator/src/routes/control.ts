// The emulator's JSON control API under /_emulator/ (no SSWS auth): outbox, mailbox (mail), pending pushes and their answers, push
// enrolment by the phone, TOTP codes, users overview, virtual clock, request log, faults, reset. Rules: input is
// validated and refused with 400 {error}; unknown ids are 404 {error}; state conflicts (a push no longer pending)
// are 409 {error}; nothing here is reachable on Okta paths and nothing here is recorded in the request log.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ControlError } from '../errors.js';
import { phoneActivatePush } from '../org/factors.js';
import { serializeFactor } from '../org/serialize.js';
import { currentTotp } from '../org/totp.js';
import { answerPush, refreshTransaction } from '../org/verify.js';
import { baseUrl } from './common.js';

function body(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  if (b === undefined || b === null) return {};
  if (typeof b !== 'object' || Array.isArray(b)) throw new ControlError(400, 'body must be a JSON object');
  return b as Record<string, unknown>;
}

function onlyKeys(b: Record<string, unknown>, allowed: string[]): void {
  const extra = Object.keys(b).filter((k) => !allowed.includes(k));
  if (extra.length) throw new ControlError(400, `unknown field(s): ${extra.join(', ')}`);
}

export async function registerControlRoutes(app: FastifyInstance): Promise<void> {
  const emu = app.emu;

  app.get('/_emulator/outbox', async (req) => {
    const q = req.query as Record<string, unknown>;
    for (const k of Object.keys(q)) if (!['to', 'userId', 'login'].includes(k)) throw new ControlError(400, `unknown query parameter ${k}`);
    const str = (k: string) => (typeof q[k] === 'string' ? (q[k] as string) : undefined);
    const to = str('to');
    const userId = str('userId');
    const login = str('login')?.toLowerCase();
    const messages = emu.state.outbox.filter(
      (m) => (!to || m.to === to) && (!userId || m.userId === userId) && (!login || m.login.toLowerCase() === login),
    );
    return { messages };
  });

  app.delete('/_emulator/outbox', async () => {
    emu.state.outbox = [];
    return { messages: [] };
  });

  // The mailbox: mail received by the SMTP listener (the portal's notifications), oldest first.
  app.get('/_emulator/mail', async (req) => {
    const q = req.query as Record<string, unknown>;
    for (const k of Object.keys(q)) if (k !== 'to') throw new ControlError(400, `unknown query parameter ${k}`);
    const to = typeof q.to === 'string' ? q.to.toLowerCase() : undefined;
    return { mail: emu.state.mailbox.filter((m) => !to || m.to.some((r) => r.toLowerCase() === to)) };
  });

  app.delete('/_emulator/mail', async () => {
    emu.state.mailbox = [];
    return { mail: [] };
  });

  app.get('/_emulator/push', async () => {
    const pushes = [];
    for (const tx of emu.state.transactions.values()) {
      if (refreshTransaction(emu.state, tx).status !== 'WAITING') continue;
      const user = emu.state.findById(tx.userId);
      pushes.push({
        transactionId: tx.id,
        userId: tx.userId,
        login: String(user?.profile.login ?? ''),
        factorId: tx.factorId,
        createdAt: new Date(tx.createdAt).toISOString(),
        expiresAt: new Date(tx.expiresAt).toISOString(),
        numberChoices: tx.numberChoices,
      });
    }
    return { pushes };
  });

  for (const verb of ['approve', 'reject'] as const) {
    app.post<{ Params: { transactionId: string } }>(`/_emulator/push/:transactionId/${verb}`, async (req, reply) => {
      const b = body(req);
      onlyKeys(b, verb === 'approve' ? ['answer'] : []);
      if (b.answer !== undefined && (typeof b.answer !== 'number' || !Number.isInteger(b.answer))) {
        throw new ControlError(400, 'answer must be an integer');
      }
      const tx = emu.state.transactions.get(req.params.transactionId);
      if (!tx) throw new ControlError(404, 'unknown push transaction');
      if (refreshTransaction(emu.state, tx).status !== 'WAITING') {
        return reply.code(409).send({ error: `push transaction is ${tx.status}, not WAITING` });
      }
      return { factorResult: answerPush(emu.state, tx, verb === 'approve', b.answer) };
    });
  }

  app.post<{ Params: { factorId: string } }>('/_emulator/factors/:factorId/activate', async (req) => {
    const hit = emu.state.findFactor(req.params.factorId);
    if (!hit) throw new ControlError(404, 'unknown factor');
    const result = phoneActivatePush(emu.state, hit.user, hit.factor);
    if (result === 'not-push') throw new ControlError(400, 'only push factors are activated by the phone');
    if (result === 'not-pending') throw new ControlError(409, 'the push factor is not pending activation');
    if (result === 'expired') throw new ControlError(409, 'the push activation has expired; enrol again');
    return serializeFactor(baseUrl(req), hit.factor, emu.clock.now());
  });

  app.get<{ Params: { factorId: string } }>('/_emulator/factors/:factorId/code', async (req) => {
    const hit = emu.state.findFactor(req.params.factorId);
    if (!hit) throw new ControlError(404, 'unknown factor');
    if (!hit.factor.secret) throw new ControlError(400, 'only token:software:totp factors have a current code');
    return currentTotp(hit.factor.secret, emu.clock.now());
  });

  app.get('/_emulator/authenticators', async () => {
    const now = emu.clock.now();
    const authenticators = [];
    for (const user of emu.state.users.values()) {
      for (const f of user.factors) {
        if (!f.secret) continue;
        const { code, secondsRemaining } = currentTotp(f.secret, now);
        authenticators.push({ factorId: f.id, userId: user.id, login: String(user.profile.login), provider: f.provider, status: f.status, code, secondsRemaining });
      }
    }
    return { authenticators };
  });

  app.get('/_emulator/users', async () => ({
    users: [...emu.state.users.values()].map((u) => ({
      id: u.id,
      login: String(u.profile.login),
      status: u.status,
      factors: u.factors.map((f) => ({ id: f.id, factorType: f.factorType, provider: f.provider, status: f.status })),
    })),
  }));

  app.get('/_emulator/clock', async () => ({ now: emu.clock.iso(), epochMs: emu.clock.now() }));
  app.post('/_emulator/clock', async (req) => {
    const b = body(req);
    onlyKeys(b, ['advanceSeconds']);
    const s = b.advanceSeconds;
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > 10 * 365 * 86_400) {
      throw new ControlError(400, 'advanceSeconds must be a number from 0 to 315360000');
    }
    emu.clock.advance(s);
    return { now: emu.clock.iso(), epochMs: emu.clock.now() };
  });

  app.get('/_emulator/requests', async () => ({ requests: emu.requestLog.all() }));
  app.delete('/_emulator/requests', async () => {
    emu.requestLog.clear();
    return { requests: [] };
  });

  app.get('/_emulator/faults', async () => ({
    faults: emu.faults.all().map(({ re: _re, remaining, ...f }) => ({ ...f, count: remaining })),
  }));
  app.post('/_emulator/faults', async (req) => ({ id: emu.faults.add(body(req)).id }));
  app.delete('/_emulator/faults', async () => {
    emu.faults.clear();
    return { faults: [] };
  });

  app.post('/_emulator/reset', async () => {
    emu.reset();
    return { reset: true, now: emu.clock.iso() };
  });
}
