/**
 * Linux /proc readings for a process by pid: resident memory and CPU time.
 * Rules: Linux only (the harness reports null elsewhere instead of failing); values in MB and ms.
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

function statusField(pid: number, field: string): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Current resident set size (VmRSS), MB. */
export const rssMb = (pid: number): number | null => statusField(pid, 'VmRSS');
/** Peak resident set size since start (VmHWM), MB. */
export const peakRssMb = (pid: number): number | null => statusField(pid, 'VmHWM');

let ticksPerSecond: number | null = null;
function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system CPU time the process has used so far (all its threads), ms. */
export function cpuMs(pid: number): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may itself contain spaces): state is field 3.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return ((utime + stime) * 1000) / clockTicks();
  } catch {
    return null;
  }
}
