/**
 * Child processes the harness starts (emulator, portal, baseline server, load generators, autocannon).
 * Rules:
 * - Every child is registered here and stopped by pid: SIGTERM, then SIGKILL after a grace period.
 * - Ctrl-C, SIGTERM, an uncaught error or a normal exit of the harness stops every child still running
 *   (`installCleanup`), so a run never leaves a server behind.
 * - A child's stdout/stderr are kept only as a short tail for error messages; they are never printed in full
 *   (the emulator prints its whole user list, the portal could print configuration warnings).
 */
import { spawn, fork, type ChildProcess } from 'node:child_process';

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** Resolves with the exit code (or signal) once the child has exited. */
  exited: Promise<string>;
  /** The last few KB the child wrote, for error messages. */
  tail(): string;
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<Child>();
const started: number[] = [];
const TAIL_BYTES = 4096;

function track(name: string, proc: ChildProcess): Child {
  if (proc.pid === undefined) throw new Error(`${name}: could not start`);
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<string>((resolve) => {
    proc.once('exit', (code, signal) => {
      running.delete(child);
      resolve(signal ?? String(code));
    });
  });
  const child: Child = {
    name,
    proc,
    pid: proc.pid,
    exited,
    tail: () => tail,
    async stop(graceMs = 3000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      proc.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
  running.add(child);
  started.push(child.pid);
  return child;
}

/**
 * Children get a minimal environment plus `env`: settings in the caller's shell (OKTA_*, STORE, PORTAL_CONFIG ...)
 * must not change what is measured.
 */
function childEnv(env: Record<string, string>): Record<string, string> {
  const keep: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
    const v = process.env[k];
    if (v !== undefined) keep[k] = v;
  }
  return { ...keep, ...env };
}

/** Runs `node <args>` (the same Node binary as the harness). */
export function spawnChild(name: string, args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, args, { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  return track(name, proc);
}

/** A Node child with an IPC channel (the load generator reports its measurement window over it). */
export function forkChild(name: string, module: string, execArgv: string[], env: Record<string, string>): Child {
  const proc = fork(module, [], { env: childEnv(env), execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  return track(name, proc);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((c) => c.stop()));
}

/** Pids of children still running (the smoke test checks that none is left). */
export function runningPids(): number[] {
  return [...running].map((c) => c.pid);
}

export function startedPids(): number[] {
  return [...started];
}

let installed = false;
export function installCleanup(): void {
  if (installed) return;
  installed = true;
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\nbench: ${signal} received, stopping every process it started`);
    stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // Last resort: the process is exiting (normally or after an uncaught error) with children left.
  process.once('exit', () => {
    for (const c of running) c.proc.kill('SIGKILL');
  });
}
