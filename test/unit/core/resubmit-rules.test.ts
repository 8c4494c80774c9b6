// Resubmitted forms (src/core/recovery/resubmit.ts), what the window and refusal tests in resubmit.test.ts leave
// open: the window is long enough for a slow Okta answer and a second click (minutes, not milliseconds), a form
// value that is not a string is refused without a crash, and each refusal says why in the log detail.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHandle } from '../../../src/core/flow-handle.js';
import type { PortalError } from '../../../src/core/errors.js';
import { FlowRepo, type FlowRecord } from '../../../src/core/recovery/flow.js';
import { resume, rotateForForm } from '../../../src/core/recovery/resubmit.js';
import type { AuditNote, StepEnv } from '../../../src/core/recovery/env.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { FakeClock, SeededRandom, ctx, testPolicy } from '../../helpers/fakes.js';

const FORM = 'form-value-of-the-page';
const note = (): AuditNote => ({ login: null, userId: null, method: null });

async function rotated(form: { value: string | undefined } = { value: FORM }) {
  const clock = new FakeClock();
  const store = new MemoryStore(clock);
  const random = new SeededRandom(21);
  const e = { clock, store, random, policy: testPolicy(), flows: new FlowRepo(store, clock) } as unknown as StepEnv;
  const h = createHandle(random);
  const flow: FlowRecord = {
    id: h.id, secretHash: h.secretHash, login: 'a', loginKey: 'a', userId: 'u1', userStatus: 'ACTIVE', factors: {},
    offered: [], state: 'code-sent', method: 'sms', factorId: 'f', transactionId: null, correctAnswer: null,
    pushExpiresAt: null, lastPollAt: null, lastPushResult: null, wrongCodes: 0, resendAvailableAt: {}, ottHash: null,
    ottExpiresAt: null, createdAt: clock.now(), expiresAt: clock.now() + 900_000,
  };
  rotateForForm(e, flow, form.value);
  await e.flows.save(flow);
  return { e, clock, first: h.handle };
}

const refusedFor = (why: RegExp) => (err: PortalError) => {
  assert.equal(err.code, 'FLOW_EXPIRED');
  assert.match(err.detail ?? '', why);
  return true;
};

describe('resume', () => {
  test('a second copy a minute and a half later (a slow IdP answer) still resumes', async () => {
    const { e, clock, first } = await rotated();
    clock.advance(90_000);
    const r = await resume(e, { handle: first, form: FORM, ctx: ctx() }, note());
    assert.match(r.handle, /\./);
  });

  test('a form value that is not a string is refused, not a crash', async () => {
    const { e, first } = await rotated();
    for (const form of [42, null, [FORM], { toString: () => FORM }]) {
      await assert.rejects(resume(e, { handle: first, form: form as unknown as string, ctx: ctx() }, note()), refusedFor(/not a resubmitted form/));
    }
  });

  test('each refusal says why', async () => {
    const { e, clock, first } = await rotated();
    await assert.rejects(resume(e, { handle: 'nope', form: FORM, ctx: ctx() }, note()), refusedFor(/not a resubmitted form/));
    // No form value at all (a request without the field): not a resubmission, whatever the handle.
    await assert.rejects(resume(e, { handle: first, form: '', ctx: ctx() }, note()), refusedFor(/not a resubmitted form/));
    const unknown = createHandle(new SeededRandom(5)).handle;
    await assert.rejects(resume(e, { handle: unknown, form: FORM, ctx: ctx() }, note()), refusedFor(/no rotation to resume/));
    await assert.rejects(resume(e, { handle: first, form: 'other', ctx: ctx() }, note()), refusedFor(/not the form that rotated/));
    clock.advance(10 * 60_000);
    await assert.rejects(resume(e, { handle: first, form: FORM, ctx: ctx() }, note()), refusedFor(/window over/));
    const none = await rotated({ value: undefined }); // the JSON API records no form
    await assert.rejects(resume(none.e, { handle: none.first, form: FORM, ctx: ctx() }, note()), refusedFor(/no rotation to resume/));
  });
});
