/** The shape of bench/results/latest.json (see docs/benchmarks.md for what each figure means). */
import type { HttpFigures } from './autocannon.js';
import type { Summary } from './stats.js';
import type { LoadgenResult } from '../loadgen.js';
import type { InsightsBenchResult } from './insights.js';

export type StoreKind = 'memory' | 'sqlite' | 'redis';

export interface RoundResult extends LoadgenResult {
  label: string;
  store: StoreKind;
  /** Injected Okta latency per call (emulator fault), ms. */
  oktaLatencyMs: number;
  /** Portal CPU (user + system, all threads) per completed recovery inside the window, ms. */
  portalCpuMsPerRecovery: number | null;
  emulatorCpuMsPerRecovery: number | null;
  /** Highest portal VmRSS seen during the round, MB. */
  portalRssMaxMb: number | null;
  /** Requests per second inside the window ÷ the baseline's req/s. */
  requestsRatioToBaseline: number | null;
}

export interface MethodCalls {
  method: string;
  total: number;
  perStep: Record<string, number>;
  calls: string[];
  ok: boolean;
  error?: string;
}

export interface AddedStep {
  step: string;
  oktaCalls: number;
  portal: Summary | null;
  direct: Summary | null;
  addedP50: number | null;
  addedP99: number | null;
  /** The brief's simpler estimate: portal p99 − injected latency × calls (counts the emulator's own work as portal time). */
  nominalAddedP99: number | null;
}

export interface TargetCheck {
  name: string;
  target: string;
  measured: string;
  met: boolean | null;
  note?: string;
}

/** A store that was not measured, and why. */
export interface StoreSkipped {
  notRun: string;
}

export const isSkipped = (r: RoundResult | StoreSkipped): r is StoreSkipped => 'notRun' in r;

export interface BenchResults {
  meta: {
    date: string;
    node: string;
    cores: number;
    cpuModel: string;
    platform: string;
    source: 'dist' | 'ts';
    /** STORE of the main rounds (the Stores section compares the others at the top concurrency). */
    store: StoreKind;
    smoke: boolean;
    durationSec: number;
    warmupSec: number;
    loadUsers: number;
    concurrency: number[];
    connections: number;
    oktaLatencyMs: number;
    readyPath: string;
    /** Portal settings changed from their defaults through BENCH_PORTAL_<NAME> (names only). */
    portalSettings: string[];
    /** The portal's OKTA_MAX_CONCURRENCY in this run (the harness raises it; the product's default is 10). */
    oktaMaxConcurrency?: number;
    command: string;
    elapsedSec: number;
    notes: string[];
  };
  http: { baseline: HttpFigures; landing: HttpFigures & { ratio: number }; csrf: HttpFigures & { ratio: number } };
  oktaCalls: MethodCalls[];
  rounds: RoundResult[];
  halfLoad: {
    rate: number;
    oktaLatencyMs: number;
    portal: RoundResult;
    direct: RoundResult;
    steps: AddedStep[];
  } | null;
  memory: { idleMb: number | null; underLoadMaxMb: number | null; peakMb: number | null; afterLoadMb: number | null };
  startup: { readyPath: string; samplesMs: number[]; medianMs: number };
  stores: Record<string, RoundResult | StoreSkipped>;
  /** The insights report over a generated audit log (bench/lib/insights.ts); absent in results from before. */
  insights?: InsightsBenchResult[];
  targets: TargetCheck[];
  /** Children still running when the results were written (the harness stops them right after). */
  pidsLeftRunning: number[];
  /** Every child the harness started, for checking afterwards that none survived. */
  pidsStarted: number[];
}
