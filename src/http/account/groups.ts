/**
 * Admission by Okta group (issue 16): the help-desk console and the insights page each admit the members of one
 * configured group, read from the session (the ID token's `groups` claim at sign-in), never from the request.
 * A signed-in user outside the group is refused and the refusal is audited as `<area>.denied` with their identity.
 */
import type { FastifyRequest } from 'fastify';
import type { SessionRecord } from '../../auth/index.js';
import { currentSession, type AccountRouteDeps } from './context.js';

export type GroupAdmission = { kind: 'member'; session: SessionRecord } | { kind: 'signin' } | { kind: 'forbidden'; session: SessionRecord };

/** Whether a session's groups admit it: the exact group name, as Okta spells it. */
export function inGroup(session: SessionRecord, group: string): boolean {
  return Array.isArray(session.groups) && session.groups.includes(group);
}

export async function admitGroup(request: FastifyRequest, deps: AccountRouteDeps, group: string, area: string): Promise<GroupAdmission> {
  const session = await currentSession(request, deps);
  if (!session) return { kind: 'signin' };
  if (inGroup(session, group)) return { kind: 'member', session };
  await deps.audit?.record({
    at: deps.clock.now(),
    action: `${area}.denied`,
    outcome: 'denied',
    login: session.login,
    userId: session.userId,
    method: null,
    ip: request.ip,
    requestId: request.id,
    detail: `not in the ${area} group; ${request.method} ${request.routeOptions.url ?? ''}`,
  });
  return { kind: 'forbidden', session };
}
