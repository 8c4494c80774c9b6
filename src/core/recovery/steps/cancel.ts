/**
 * Step `cancel`: the user abandons the flow ("cancel" / "start again").
 * Rules: deletes the flow record and its ott key; a missing or expired flow is not an error (idempotent).
 * A push still pending is withdrawn at the IdP first (best effort, see challenge.ts withdrawPush), so the phone
 * stops asking about a recovery the user abandoned.
 */
import { isPortalError } from '../../errors.js';
import { appendDetail, noteFlow, type AuditNote, type StepEnv } from '../env.js';
import { withdrawPush } from './challenge.js';

export async function cancel(env: StepEnv, handle: string, note: AuditNote): Promise<void> {
  try {
    const flow = await env.flows.load(handle);
    noteFlow(note, flow);
    await withdrawPush(env, flow, note);
    await env.flows.remove(flow);
  } catch (e) {
    if (isPortalError(e) && e.code === 'FLOW_EXPIRED') {
      note.detail = appendDetail(note.detail, 'no live flow');
      return;
    }
    throw e;
  }
}
