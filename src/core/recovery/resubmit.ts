/**
 * Resubmitted forms (issue 11, item 10): a browser that sends one no-JS form twice (a double click, a reload of the
 * POST) must land on the flow's current page, not on "This recovery cannot continue".
 *
 * Why it needs code: choosing a method and passing verification rotate the flow handle's secret (session fixation,
 * SES-1). The browser sends the second copy of the form with the handle the first copy rotated away, usually before
 * the first answer (and its new cookie) arrived, and the first answer is then dropped. So the second copy presents
 * a handle that no longer works.
 *
 * Rules:
 * - Each rotation made for a form records which form it was: the hash of the form's per-page value (the transport
 *   passes the CSRF token the page carried, fresh per rendered page and bound to that browser's CSRF cookie), the
 *   hash of the secret it replaced, and when.
 * - `resume` accepts the replaced handle only together with that same form value, only within RESUBMIT_WINDOW_MS of
 *   the rotation, and only while the flow lives. It runs nothing again (no send, no code check, no attempt counted):
 *   it rotates the secret once more and hands the new handle back, so the transport can show the current page.
 * - Session fixation still holds: a planted handle is useless without the value of the victim's own page, which
 *   the planter never saw (and which the CSRF check ties to the victim's browser). The window does not grow with
 *   use: the first rotation's time counts.
 * - Transports without forms (the JSON API) pass no form value; their rotations record nothing.
 */
import { rotateHandle, parseHandle, secretMatches } from '../flow-handle.js';
import { PortalError } from '../errors.js';
import { safeEqual, sha256 } from '../crypto.js';
import type { RequestContext } from '../ports.js';
import { noteFlow, type AuditNote, type StepEnv } from './env.js';
import { flowKey, type FlowRecord } from './flow.js';

/** How long after a rotation the same form may come again: long enough for a slow Okta answer and a second click. */
export const RESUBMIT_WINDOW_MS = 2 * 60_000;

/** What a flow remembers of its last rotation made for a form. */
export interface Resubmission {
  /** sha256 of the secret the rotation replaced (as FlowRecord.secretHash stored it). */
  fromSecretHash: string;
  /** sha256 of the form's per-page value. */
  formHash: string;
  /** Epoch ms of the rotation. */
  at: number;
}

/**
 * Rotates the flow's secret (the caller saves the flow) and returns the new handle. With a form value, the rotation
 * is recorded so that a second copy of the same form can `resume`; without one, any earlier record is dropped.
 */
export function rotateForForm(env: StepEnv, flow: FlowRecord, form: string | undefined): string {
  const rotated = rotateHandle(env.random, flow.id);
  flow.resubmission =
    form !== undefined && form !== ''
      ? { fromSecretHash: flow.secretHash, formHash: sha256(form), at: env.clock.now() }
      : null;
  flow.secretHash = rotated.secretHash;
  return rotated.handle;
}

/**
 * Step `resume`: a second copy of a form whose first copy rotated the handle. FLOW_EXPIRED for anything else
 * (the answer every unknown, wrong or expired handle gets).
 */
export async function resume(
  env: StepEnv,
  input: { handle: string; form: string; ctx: RequestContext },
  note: AuditNote,
): Promise<{ handle: string }> {
  const flow = await resubmitted(env, input.handle, input.form);
  noteFlow(note, flow);
  note.detail = 'form submitted again after the handle rotated: current page';
  const rotated = rotateHandle(env.random, flow.id);
  flow.secretHash = rotated.secretHash;
  // flow.resubmission stays: a third copy of the same form still finds its way, within the first rotation's window.
  await env.flows.save(flow);
  return { handle: rotated.handle };
}

async function resubmitted(env: StepEnv, handle: string, form: string): Promise<FlowRecord> {
  const refuse = (detail: string) => new PortalError('FLOW_EXPIRED', { detail });
  const parsed = parseHandle(handle);
  if (!parsed || typeof form !== 'string' || form === '') throw refuse('not a resubmitted form');
  const flow = await env.store.get<FlowRecord>(flowKey(parsed.id));
  const now = env.clock.now();
  const r = flow?.resubmission;
  if (!flow || !r || now >= flow.expiresAt) throw refuse('no rotation to resume');
  // Both checks always run (no early exit between them): nothing to time.
  const sameSecret = secretMatches(parsed.secret, r.fromSecretHash);
  const sameForm = safeEqual(sha256(form), r.formHash);
  if (!sameSecret || !sameForm) throw refuse('not the form that rotated this flow');
  if (now - r.at > RESUBMIT_WINDOW_MS) throw refuse('resubmission window over');
  return flow;
}
