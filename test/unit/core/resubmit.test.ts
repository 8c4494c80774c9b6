// The resubmission rules (src/core/recovery/resubmit.ts) one by one: which handle, which form value, which window,
// and that resuming runs nothing but a rotation. The page-level property is test/security/double-submitted-forms-*.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHandle, parseHandle, secretMatches } from '../../../src/core/flow-handle.js';
import { sha256 } from '../../../src/core/crypto.js';
import { FlowRepo, flowKey, type FlowRecord } from '../../../src/core/recovery/flow.js';
import { RESUBMIT_WINDOW_MS, resume, rotateForForm } from '../../../src/core/recovery/resubmit.js';
import type { AuditNote, StepEnv } from '../../../src/core/recovery/env.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { FakeClock, SeededRandom, ctx, testPolicy } from '../../helpers/fakes.js';

const FORM = 'form-value-of-the-page';

function setup() {
  const clock = new FakeClock();
  const store = new MemoryStore(clock);
  const random = new SeededRandom(11);
  const e = { clock, store, random, policy: testPolicy(), flows: new FlowRepo(store, clock) } as unknown as StepEnv;
  const h = createHandle(random);
  const flow: FlowRecord = {
    id: h.id, secretHash: h.secretHash, login: 'a', loginKey: 'a', userId: 'u1', userStatus: 'ACTIVE', factors: {},
    offered: [], state: 'code-sent', method: 'sms', factorId: 'f', transactionId: null, correctAnswer: null,
    pushExpiresAt: null, lastPollAt: null, lastPushResult: null, wrongCodes: 0, resendAvailableAt: {}, ottHash: null,
    ottExpiresAt: null, createdAt: clock.now(), expiresAt: clock.now() + 900_000,
  };
  return { e, clock, store, flow, first: h.handle };
}

const note = (): AuditNote => ({ login: null, userId: null, method: null });

/** The flow after a rotation made for FORM, saved, with the replaced handle. */
async function rotated(form: { value: string | undefined } = { value: FORM }) {
  const s = setup();
  const current = rotateForForm(s.e, s.flow, form.value);
  await s.e.flows.save(s.flow);
  return { ...s, current };
}

describe('rotateForForm', () => {
  test('rotates the secret and records the replaced secret, the form and the time', async () => {
    const { flow, first, current, clock } = await rotated();
    const before = parseHandle(first)!;
    const after = parseHandle(current)!;
    assert.equal(after.id, before.id);
    assert.notEqual(after.secret, before.secret);
    assert.ok(secretMatches(after.secret, flow.secretHash));
    assert.deepEqual(flow.resubmission, { fromSecretHash: sha256(before.secret), formHash: sha256(FORM), at: clock.now() });
  });

  test('without a form value (the JSON API) nothing is recorded, and an earlier record is dropped', async () => {
    const { e, flow } = await rotated();
    rotateForForm(e, flow, undefined);
    assert.equal(flow.resubmission, null);
    rotateForForm(e, flow, FORM);
    rotateForForm(e, flow, '');
    assert.equal(flow.resubmission, null);
  });
});

describe('resume', () => {
  test('the replaced handle with the same form gets a new working handle; nothing else changes', async () => {
    const { e, store, first, flow } = await rotated();
    const stateBefore = structuredClone(flow);
    const { handle } = await resume(e, { handle: first, form: FORM, ctx: ctx() }, note());
    const loaded = await e.flows.load(handle);
    assert.equal(loaded.state, stateBefore.state);
    assert.equal(loaded.wrongCodes, stateBefore.wrongCodes);
    assert.deepEqual(loaded.resubmission, stateBefore.resubmission, 'the window keeps the first rotation\'s time');
    await assert.rejects(e.flows.load(first), { code: 'FLOW_EXPIRED' });
    const stored = await store.get<FlowRecord>(flowKey(flow.id));
    assert.ok(secretMatches(parseHandle(handle)!.secret, stored!.secretHash));
  });

  test('a third copy of the same form still resumes, and the one before stops working', async () => {
    const { e, first } = await rotated();
    const second = await resume(e, { handle: first, form: FORM, ctx: ctx() }, note());
    const third = await resume(e, { handle: first, form: FORM, ctx: ctx() }, note());
    await e.flows.load(third.handle);
    await assert.rejects(e.flows.load(second.handle), { code: 'FLOW_EXPIRED' });
  });

  test('refused: another form value, the current handle, an unknown flow, a malformed handle, an empty form', async () => {
    const { e, first, current } = await rotated();
    const refused = { code: 'FLOW_EXPIRED' };
    await assert.rejects(resume(e, { handle: first, form: 'another page', ctx: ctx() }, note()), refused);
    await assert.rejects(resume(e, { handle: current, form: FORM, ctx: ctx() }, note()), refused);
    const other = createHandle(new SeededRandom(99)).handle;
    await assert.rejects(resume(e, { handle: other, form: FORM, ctx: ctx() }, note()), refused);
    await assert.rejects(resume(e, { handle: 'not-a-handle', form: FORM, ctx: ctx() }, note()), refused);
    await assert.rejects(resume(e, { handle: first, form: '', ctx: ctx() }, note()), refused);
  });

  test('refused when the rotation recorded no form', async () => {
    const { e, first } = await rotated({ value: undefined });
    await assert.rejects(resume(e, { handle: first, form: FORM, ctx: ctx() }, note()), { code: 'FLOW_EXPIRED' });
  });

  test('the window: up to RESUBMIT_WINDOW_MS after the first rotation, not a millisecond more', async () => {
    const a = await rotated();
    a.clock.advance(RESUBMIT_WINDOW_MS);
    await resume(a.e, { handle: a.first, form: FORM, ctx: ctx() }, note());
    const b = await rotated();
    b.clock.advance(RESUBMIT_WINDOW_MS + 1);
    await assert.rejects(resume(b.e, { handle: b.first, form: FORM, ctx: ctx() }, note()), { code: 'FLOW_EXPIRED' });
    // Resuming does not move the window.
    const c = await rotated();
    c.clock.advance(RESUBMIT_WINDOW_MS - 10);
    await resume(c.e, { handle: c.first, form: FORM, ctx: ctx() }, note());
    c.clock.advance(11);
    await assert.rejects(resume(c.e, { handle: c.first, form: FORM, ctx: ctx() }, note()), { code: 'FLOW_EXPIRED' });
  });

  test('refused once the flow itself is past its expiry, even inside the window', async () => {
    const s = setup();
    s.flow.expiresAt = s.clock.now() + 1000;
    rotateForForm(s.e, s.flow, FORM);
    await s.store.set(flowKey(s.flow.id), s.flow, 3600_000); // the key outlives the record's own expiry
    s.clock.advance(1000);
    await assert.rejects(resume(s.e, { handle: s.first, form: FORM, ctx: ctx() }, note()), { code: 'FLOW_EXPIRED' });
  });

  test('the audit note names the flow and says why, without the form value', async () => {
    const { e, first } = await rotated();
    const n = note();
    await resume(e, { handle: first, form: FORM, ctx: ctx() }, n);
    assert.equal(n.userId, 'u1');
    assert.match(String(n.detail), /form submitted again/);
    assert.ok(!JSON.stringify(n).includes(FORM));
  });
});
