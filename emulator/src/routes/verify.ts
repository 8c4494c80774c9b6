// Okta factor verification: POST .../verify (challenge, passCode check, push with optional number matching) and
// the push transaction resource GET (poll) / DELETE (cancel). Rules: 200 CHALLENGE or SUCCESS, 201 WAITING for push
// with _links.poll/cancel and _embedded.challenge.correctAnswer under number matching; poll answers WAITING,
// SUCCESS, REJECTED or TIMEOUT; unknown or cancelled transactions are 404 E0000191.
import type { FastifyInstance } from 'fastify';
import { errors } from '../errors.js';
import type { FactorRecord, PushTransaction } from '../org/model.js';
import { factorHref, isoSeconds } from '../org/serialize.js';
import { findTransaction, verifyFactor, verifyQuestion } from '../org/verify.js';
import { baseUrl, jsonObject, resolveFactor, resolveUser, tokenLifetime } from './common.js';

type FactorParams = { Params: { userId: string; factorId: string } };
type TxParams = { Params: { userId: string; factorId: string; transactionId: string } };

const link = (href: string, ...allow: string[]) => ({ href, hints: { allow } });

function verifyLinks(base: string, factor: FactorRecord) {
  const f = factorHref(base, factor);
  return { verify: link(`${f}/verify`, 'POST'), factor: link(f, 'GET', 'DELETE') };
}

export function transactionBody(base: string, factor: FactorRecord, tx: PushTransaction, withProfile: boolean): Record<string, unknown> {
  const credential = { credentialId: factor.profile.credentialId ?? '' };
  if (tx.status === 'SUCCESS') return { factorResult: 'SUCCESS' };
  if (tx.status !== 'WAITING') return { factorResult: tx.status, profile: credential, _links: verifyLinks(base, factor) };
  const txHref = `${factorHref(base, factor)}/transactions/${tx.id}`;
  return {
    expiresAt: isoSeconds(tx.expiresAt),
    factorResult: 'WAITING',
    ...(withProfile ? { profile: credential } : {}),
    _links: { poll: link(txHref, 'GET'), cancel: link(txHref, 'DELETE') },
    ...(tx.correctAnswer !== null ? { _embedded: { challenge: { correctAnswer: tx.correctAnswer } } } : {}),
  };
}

export async function registerVerifyRoutes(app: FastifyInstance): Promise<void> {
  app.post<FactorParams>('/api/v1/users/:userId/factors/:factorId/verify', async (req, reply) => {
    const { state } = req.server.emu;
    const user = resolveUser(state, req.params.userId);
    const factor = resolveFactor(user, req.params.factorId);
    const base = baseUrl(req);
    // Okta requires a User-Agent to verify push factors (spec: verifyFactor's User-Agent header).
    if (factor.factorType === 'push' && !req.headers['user-agent']) {
      throw errors.validation('User-Agent', ['User-Agent: The User-Agent header is required to verify a push factor']);
    }
    const outcome =
      factor.factorType === 'question'
        ? await verifyQuestion(state, user, factor, jsonObject(req))
        : verifyFactor(state, user, factor, jsonObject(req), tokenLifetime(req));
    if (outcome.kind === 'push') return reply.code(201).send(transactionBody(base, factor, outcome.tx, false));
    if (outcome.kind === 'success') return { factorResult: 'SUCCESS' };
    const profile =
      factor.factorType === 'email'
        ? undefined
        : { phoneNumber: factor.profile.phoneNumber, ...(factor.profile.phoneExtension ? { phoneExtension: factor.profile.phoneExtension } : {}) };
    return { factorResult: 'CHALLENGE', ...(profile ? { profile } : {}), _links: verifyLinks(base, factor) };
  });

  app.get<TxParams>('/api/v1/users/:userId/factors/:factorId/transactions/:transactionId', async (req) => {
    const { state } = req.server.emu;
    const user = resolveUser(state, req.params.userId);
    const factor = resolveFactor(user, req.params.factorId);
    const tx = findTransaction(state, user.id, factor.id, req.params.transactionId);
    return transactionBody(baseUrl(req), factor, tx, true);
  });

  app.delete<TxParams>('/api/v1/users/:userId/factors/:factorId/transactions/:transactionId', async (req, reply) => {
    const { state } = req.server.emu;
    const user = resolveUser(state, req.params.userId);
    const factor = resolveFactor(user, req.params.factorId);
    const tx = findTransaction(state, user.id, factor.id, req.params.transactionId);
    state.transactions.delete(tx.id);
    return reply.code(204).send();
  });
}
