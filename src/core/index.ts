/**
 * The core's public surface: the recovery service factory, its contracts (ports, api, policy, errors) and the
 * production Clock / Random. Adapters and the HTTP layer import from here only.
 */
export { createRecoveryService, type RecoveryServiceOptions } from './recovery/service.js';
export type { RecoveryDeps } from './recovery/env.js';
export type * from './ports.js';
export { RECOVERY_METHODS } from './ports.js';
export type * from './recovery/api.js';
export type * from './recovery/policy.js';
export { PortalError, isPortalError, ERROR_CODES, type ErrorCode, type PortalErrorOptions } from './errors.js';
export { FLOW_STATES, FLOW_EVENTS, TRANSITIONS, type FlowState, type FlowEvent } from './recovery/machine.js';
export { TimingEqualizer, type TimingOptions } from './timing.js';
export { systemClock, cryptoRandom } from './system.js';
export { maskPhone } from './mask.js';
