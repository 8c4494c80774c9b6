/**
 * A scriptable RecoveryService for transport tests that need answers the real core cannot easily produce
 * (every error code, exceptions that are not PortalErrors) and to see the RequestContext the transport builds.
 */
import { PortalError } from '../../src/core/errors.js';
import type { PasswordRules } from '../../src/core/password-rules.js';
import type { RequestContext } from '../../src/core/ports.js';
import type { RecoveryService, StatusResult } from '../../src/core/recovery/api.js';

export const STUB_HANDLE = 'aaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

export class StubRecovery implements RecoveryService {
  /** Thrown by the next calls of every method, when set. */
  failWith: unknown = null;
  statusResult: StatusResult = { state: 'started' };
  contexts: RequestContext[] = [];
  calls: string[] = [];

  private enter(op: string, ctx: RequestContext): void {
    this.calls.push(op);
    this.contexts.push(ctx);
    if (this.failWith !== null) throw this.failWith;
  }

  async start({ ctx }: { login: string; ctx: RequestContext }) {
    this.enter('start', ctx);
    return { handle: STUB_HANDLE, methods: [{ method: 'sms' as const }], expiresAt: Date.UTC(2030, 0, 1) };
  }
  async challenge({ ctx }: { handle: string; ctx: RequestContext }) {
    this.enter('challenge', ctx);
    return { kind: 'code-sent' as const, method: 'sms' as const, resendAfterSeconds: 30, handle: STUB_HANDLE };
  }
  async verify({ ctx }: { handle: string; code: string; ctx: RequestContext }) {
    this.enter('verify', ctx);
    return { ott: 'o'.repeat(43), expiresAt: Date.UTC(2030, 0, 1), handle: STUB_HANDLE };
  }
  async status({ ctx }: { handle: string; ctx: RequestContext }) {
    this.enter('status', ctx);
    return this.statusResult;
  }
  async setPassword({ ctx }: { handle: string; ctx: RequestContext }) {
    this.enter('setPassword', ctx);
    return { changed: true as const };
  }
  async unlock({ ctx }: { handle: string; ctx: RequestContext }) {
    this.enter('unlock', ctx);
    return { unlocked: true as const };
  }
  /** The stub never rotates a handle, so there is never a form to resume (as the core answers then). */
  async resume(_input: { handle: string; form: string; ctx: RequestContext }): Promise<{ handle: string }> {
    throw new PortalError('FLOW_EXPIRED');
  }
  async cancel({ ctx }: { handle: string; ctx: RequestContext }) {
    this.enter('cancel', ctx);
  }
  /** What passwordRules() answers (null: unknown). */
  rules: PasswordRules | null = null;
  async passwordRules() {
    return this.rules;
  }
}
