/**
 * Dev mode: with no OKTA_ORG_URL, `npm start` runs the emulator's demo org as a separate child process
 * (the emulator shares no code with the portal; it is a program we start, like a real org we reach).
 * The child gets a fresh random API token through its environment (never argv, which `ps` shows)
 * and reports its URL over the IPC channel once it listens.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export interface EmulatorChild {
  url: string;
  apiToken: string;
  phoneUrl: string;
  /** The mailbox's SMTP listener (smtp://127.0.0.1:port): demo mode sends the portal's notifications there. */
  smtpUrl: string | null;
  users: { login: string; status: string; factors: string[] }[];
  stop(): Promise<void>;
}

interface ReadyMessage {
  type: 'ready';
  url: string;
  phoneUrl: string;
  smtpUrl?: string | null;
  users: { login: string; status: string; factors: string[] }[];
}

export async function startEmulatorChild(opts: { port?: number; timeoutMs?: number } = {}): Promise<EmulatorChild> {
  // dist/src/dev/emulator-process.js → dist/emulator/src/main.js
  const entry = fileURLToPath(new URL('../../emulator/src/main.js', import.meta.url));
  const apiToken = `00dev-${randomBytes(24).toString('base64url')}`;
  const child: ChildProcess = fork(entry, ['--port', String(opts.port ?? 0), '--smtp-port', '0'], {
    env: { ...process.env, EMULATOR_API_TOKEN: apiToken },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });

  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the emulator did not start within the time limit')), opts.timeoutMs ?? 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited during start-up (exit code ${code ?? 'unknown'})`));
    });
    child.on('message', (msg: unknown) => {
      if (msg && typeof msg === 'object' && (msg as { type?: unknown }).type === 'ready') {
        clearTimeout(timer);
        resolve(msg as ReadyMessage);
      }
    });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });

  return {
    url: ready.url,
    phoneUrl: ready.phoneUrl,
    smtpUrl: typeof ready.smtpUrl === 'string' ? ready.smtpUrl : null,
    users: ready.users,
    apiToken,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
