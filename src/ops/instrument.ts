/**
 * instrumentRecovery: the RecoveryService with every refusal's error code reported (for the limits-hit metric).
 * Rules: results and errors pass through unchanged; the hook sees only the code, never the input. The service's
 * methods are plain closures (no `this`), so they can be wrapped one by one.
 */
import { isPortalError } from '../core/errors.js';
import type { RecoveryService } from '../core/recovery/api.js';

export function instrumentRecovery(service: RecoveryService, onErrorCode: (code: string) => void): RecoveryService {
  const watch = <A, R>(fn: (input: A) => Promise<R>) => async (input: A): Promise<R> => {
    try {
      return await fn(input);
    } catch (e) {
      if (isPortalError(e)) onErrorCode(e.code);
      throw e;
    }
  };
  return {
    ...service,
    start: watch(service.start),
    challenge: watch(service.challenge),
    verify: watch(service.verify),
    status: watch(service.status),
    setPassword: watch(service.setPassword),
    unlock: watch(service.unlock),
    resume: watch(service.resume),
    cancel: watch(service.cancel),
  };
}
