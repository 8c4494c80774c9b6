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
export { createAccountService } from './account/service.js';
export type { AccountDeps } from './account/env.js';
export type * from './account/api.js';
export { defaultAccountPolicy, type AccountPolicy } from './account/policy.js';
export {
  STEP_UP_STATES,
  STEP_UP_EVENTS,
  STEP_UP_TRANSITIONS,
  ENROL_STATES,
  ENROL_EVENTS,
  ENROL_TRANSITIONS,
  type StepUpState,
  type StepUpEvent,
  type EnrolState,
  type EnrolEvent,
} from './account/machine.js';
export { refuseBreached, type BreachCheck, type BreachResult } from './breach.js';
export { createHelpdeskService, cleanTicket, type HelpdeskDeps, type HelpdeskIdentityProvider } from './helpdesk/service.js';
export type * from './helpdesk/api.js';
export { defaultHelpdeskPolicy, type HelpdeskPolicy } from './helpdesk/policy.js';
export { HELPDESK_STATES, HELPDESK_EVENTS, HELPDESK_TRANSITIONS, type HelpdeskState, type HelpdeskEvent } from './helpdesk/machine.js';
export {
  createInsightsService,
  buildReport,
  isPeriod,
  PERIODS,
  CHARTS,
  CHART_IDS,
  type InsightsService,
  type InsightsReport,
  type InsightsChart,
  type Period,
  type ChartId,
} from './insights/report.js';
export { createReportService, type ReportService, type ReportDeps, type ReportPolicy, type ReportTicket, type SecurityAlert } from './report.js';
export { SECURITY_EVENTS, DEFAULT_RECOVERY_METHODS } from './ports.js';
