// Okta Verify push through @okta/okta-sdk-nodejs: verifyFactor → 201 WAITING with _links.poll/cancel (and with
// useNumberMatchingChallenge an _embedded.challenge.correctAnswer); the emulated phone approves (right number →
// SUCCESS, wrong number → REJECTED) or rejects; the virtual clock times transactions out (tokenLifetimeSeconds,
// default 300 s); an unknown transaction is 404 E0000191. The transaction id is parsed out of _links.poll.href.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { expectOktaError, startTestEmulator, transactionIdFromPollHref, type TestEmulator } from '../helpers/emulator.js';
import { validateResponse } from '../helpers/openapi.js';
import { seed, user } from './fixtures.js';

type Json = Record<string, unknown>;
const PUSH = 'opfPushPaula00000001';
const OTHER_PUSH = 'opfPushPete000000001';

describe('push verification', () => {
  let emu: TestEmulator;
  let userId = '';
  let peteId = '';

  /** Starts a push; returns the raw 201 body and the transaction id from the poll link. */
  async function startPush(opts: { numberMatching?: boolean; tokenLifetimeSeconds?: number } = {}) {
    const res = await emu.client.userFactorApi.verifyFactor({
      userId,
      factorId: PUSH,
      ...(opts.numberMatching ? { body: { useNumberMatchingChallenge: true } } : {}),
      ...(opts.tokenLifetimeSeconds ? { tokenLifetimeSeconds: opts.tokenLifetimeSeconds } : {}),
    });
    assert.equal(res.factorResult, 'WAITING');
    const rec = await emu.recorder.last();
    assert.equal(rec.status, 201);
    const body = rec.body as Json;
    const links = body._links as Record<string, { href: string; hints?: { allow?: string[] } }>;
    assert.ok(links.poll?.href, '_links.poll');
    assert.equal(links.cancel?.href, links.poll.href, 'cancel is the same transaction URL');
    assert.deepEqual(links.cancel?.hints?.allow, ['DELETE']);
    const tx = transactionIdFromPollHref(links.poll.href);
    assert.match(new URL(links.poll.href).pathname, new RegExp(`^/api/v1/users/${userId}/factors/${PUSH}/transactions/`));
    return { body, tx };
  }
  const poll = async (tx: string): Promise<{ result: unknown; body: Json }> => {
    const r = await emu.client.userFactorApi.getFactorTransactionStatus({ userId, factorId: PUSH, transactionId: tx });
    return { result: r.factorResult, body: (await emu.recorder.last()).body as Json };
  };

  before(async () => {
    emu = await startTestEmulator({
      seed: seed([
        user('paula.push@example.com', { factors: [{ id: PUSH, type: 'push' }] }),
        user('pete.push@example.com', { factors: [{ id: OTHER_PUSH, type: 'push' }] }),
      ]),
    });
    userId = (await emu.client.userApi.getUser({ userId: 'paula.push@example.com' })).id!;
    peteId = (await emu.client.userApi.getUser({ userId: 'pete.push@example.com' })).id!;
  });
  after(() => emu?.close());
  afterEach(() => emu.assertSdkConformance());

  test('number matching: 201 WAITING with correctAnswer; the phone shows it among the choices; right answer → SUCCESS', async () => {
    const { body, tx } = await startPush({ numberMatching: true });
    const correct = ((body._embedded as Json).challenge as Json).correctAnswer;
    assert.equal(typeof correct, 'number');
    assert.ok(Date.parse(String(body.expiresAt)) > (await emu.control.nowMs()), 'expiresAt in the future');
    const pending = (await emu.control.pushes()).find((p) => p.transactionId === tx);
    assert.ok(pending, 'the phone sees the push');
    assert.equal(pending.factorId, PUSH);
    assert.equal(pending.userId, userId);
    assert.ok(pending.numberChoices?.includes(correct as number), 'choices include the correct answer');
    assert.ok((pending.numberChoices?.length ?? 0) >= 3, 'several choices');
    const waiting = await poll(tx);
    assert.equal(waiting.result, 'WAITING');
    assert.equal(((waiting.body._embedded as Json | undefined)?.challenge as Json | undefined)?.correctAnswer, correct);
    await emu.control.approvePush(tx, correct as number);
    const done = await poll(tx);
    assert.equal(done.result, 'SUCCESS');
    assert.ok(!(await emu.control.pushes()).some((p) => p.transactionId === tx), 'no longer pending');
  });

  test('number matching: the wrong number → REJECTED (with a verify link to retry)', async () => {
    const { body, tx } = await startPush({ numberMatching: true });
    const correct = ((body._embedded as Json).challenge as Json).correctAnswer as number;
    const pending = (await emu.control.pushes()).find((p) => p.transactionId === tx)!;
    const wrong = pending.numberChoices?.find((n) => n !== correct) ?? correct + 1;
    await emu.control.approvePush(tx, wrong);
    const res = await poll(tx);
    assert.equal(res.result, 'REJECTED');
    assert.ok((res.body._links as Json | undefined)?.verify, '_links.verify');
  });

  test('the phone denies → REJECTED', async () => {
    const { tx } = await startPush({ numberMatching: true });
    await emu.control.rejectPush(tx);
    assert.equal((await poll(tx)).result, 'REJECTED');
  });

  test('plain push (no number matching): no _embedded.challenge; approve → SUCCESS', async () => {
    const { body, tx } = await startPush();
    assert.equal(((body._embedded as Json | undefined)?.challenge as Json | undefined)?.correctAnswer, undefined);
    await emu.control.approvePush(tx);
    assert.equal((await poll(tx)).result, 'SUCCESS');
  });

  test('default lifetime: still WAITING at 299 s, TIMEOUT after 300 s; approving late does not succeed', async () => {
    const { tx } = await startPush({ numberMatching: true });
    await emu.control.advance(299);
    assert.equal((await poll(tx)).result, 'WAITING');
    await emu.control.advance(2);
    const res = await poll(tx);
    assert.equal(res.result, 'TIMEOUT');
    assert.ok((res.body._links as Json | undefined)?.verify, '_links.verify');
    await emu.control.approvePush(tx).catch(() => undefined); // the phone may refuse; either way no success
    assert.equal((await poll(tx)).result, 'TIMEOUT');
  });

  test('tokenLifetimeSeconds=60 → TIMEOUT after 61 s', async () => {
    const { body, tx } = await startPush({ tokenLifetimeSeconds: 60 });
    const now = await emu.control.nowMs();
    const expires = Date.parse(String(body.expiresAt));
    assert.ok(expires - now <= 61_000 && expires - now > 50_000, `expiresAt about 60 s ahead (${expires - now} ms)`);
    await emu.control.advance(61);
    assert.equal((await poll(tx)).result, 'TIMEOUT');
  });

  test('unknown transaction → 404 E0000191; a real transaction under another factor → 404', async () => {
    await expectOktaError(
      emu.client.userFactorApi.getFactorTransactionStatus({ userId, factorId: PUSH, transactionId: 'v2mst.NoSuchTransaction0000' }),
      404,
      'E0000191',
    );
    const { tx } = await startPush();
    const res = await emu.okta('GET', `/api/v1/users/${peteId}/factors/${OTHER_PUSH}/transactions/${encodeURIComponent(tx)}`);
    assert.equal(res.status, 404);
    assert.deepEqual(validateResponse('getFactorTransactionStatus', 404, res.body), []);
    await emu.control.rejectPush(tx);
  });

  test('raw poll bodies validate for every outcome', async () => {
    const { tx } = await startPush({ numberMatching: true });
    const path = `/api/v1/users/${userId}/factors/${PUSH}/transactions/${encodeURIComponent(tx)}`;
    const waiting = await emu.okta('GET', path);
    assert.equal((waiting.body as Json).factorResult, 'WAITING');
    assert.deepEqual(validateResponse('getFactorTransactionStatus', 200, waiting.body), []);
    await emu.control.rejectPush(tx);
    const rejected = await emu.okta('GET', path);
    assert.equal((rejected.body as Json).factorResult, 'REJECTED');
    assert.deepEqual(validateResponse('getFactorTransactionStatus', 200, rejected.body), []);
  });
});
