/**
 * Real multi-node Redis set-ups for tests, on loopback ports, as child processes of the test (issue 12, item 7):
 * - startRedisCluster(): three masters (`redis-server --cluster-enabled yes`), joined with
 *   `redis-cli --cluster create ... --cluster-replicas 0 --cluster-yes`, waited for until every node reports
 *   cluster_state:ok.
 * - startRedisSentinel(): one master and one replica with a password, and one sentinel
 *   (`redis-server sentinel.conf --sentinel`) that monitors them and has a password of its own, waited for until
 *   the sentinel names the master and knows the replica (so that killing the master makes it promote the replica).
 * Each server keeps its files in its own temporary directory (no RDB, no AOF); stop() ends the processes it started
 * (by their own handles) and removes the directory. Ports are asked of the OS and checked free (for a cluster node
 * also its bus port, port + 10000).
 * redisTopologyOrSkip(): the binaries must exist in CI (CI=true), where a missing one is an error; elsewhere the
 * suites are skipped with a loud warning.
 */
import { spawn, spawnSync, execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface RedisNodeAddress {
  host: string;
  port: number;
}

export interface RedisCluster {
  nodes: RedisNodeAddress[];
  /** With `tls`: the throwaway CA and server certificate the nodes use. */
  certificates?: TestCertificates;
  stop(): Promise<void>;
}

export interface RedisSentinelSetup {
  sentinels: RedisNodeAddress[];
  master: string;
  masterPort: number;
  /** The replica's port (the sentinel promotes it when the master fails). */
  replicaPort: number;
  password: string;
  sentinelPassword: string;
  /** Kills the master (SIGKILL), as a crash would. */
  killMaster(): Promise<void>;
  /** Where the sentinel says the master is now. */
  currentMasterPort(): Promise<number>;
  stop(): Promise<void>;
}

/** undefined when redis-server and redis-cli are here; a skip reason outside CI; throws in CI. */
export function redisTopologyOrSkip(what: string, opts: { openssl?: boolean } = {}): string | undefined {
  const tools: [string, string][] = [
    ['redis-server', '--version'],
    ['redis-cli', '--version'],
    ...(opts.openssl ? [['openssl', 'version'] as [string, string]] : []),
  ];
  const missing = tools.filter(([bin, arg]) => spawnSync(bin, [arg], { stdio: 'ignore' }).status !== 0).map(([bin]) => bin);
  if (missing.length === 0) return undefined;
  if (process.env.CI) throw new Error(`${what}: ${missing.join(' and ')} not found, and CI must run these tests (Debian package redis-server)`);
  const reason = `${missing.join(' and ')} not found: ${what} SKIPPED`;
  console.warn(`\n*** WARNING: ${reason} ***\n`);
  return reason;
}

/** A loopback port that is free now, and (for cluster nodes) whose bus port, port + 10000, is free too. */
async function freePort(withBus: boolean): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await listenOnce(0);
    if (!withBus) return port;
    if (port + 10000 <= 65535 && (await isFree(port + 10000))) return port;
  }
  throw new Error('no free port pair for a cluster node');
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function isFree(port: number): Promise<boolean> {
  return listenOnce(port).then(
    () => true,
    () => false,
  );
}

/** Started processes, so that a crashed test run still does not leave servers behind. */
const started = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of started) p.kill('SIGKILL');
});

function startServer(args: string[], dir: string, label: string): { proc: ChildProcess; output: () => string } {
  const proc = spawn('redis-server', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(proc);
  proc.once('exit', () => started.delete(proc));
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString('utf8')).slice(-4000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  proc.once('error', (e) => (out += `\n${label}: ${e.message}`));
  return { proc, output: () => `${label}:\n${out}` };
}

async function stopServer(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
    proc.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

async function cli(port: number, args: string[], password?: string, tls?: TestCertificates): Promise<string> {
  const auth = password ? ['--no-auth-warning', '-a', password] : [];
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...tlsCliArgs(tls), ...auth, ...args], { timeout: 10_000 });
  return stdout;
}

function tlsCliArgs(tls: TestCertificates | undefined): string[] {
  return tls ? ['--tls', '--cacert', tls.caFile] : [];
}

export interface TestCertificates {
  /** The throwaway CA's certificate (give it to a client as NODE_EXTRA_CA_CERTS). */
  caFile: string;
  /** A server certificate for 127.0.0.1 and localhost, signed by that CA, and its key. */
  certFile: string;
  keyFile: string;
}

/** A throwaway CA and a server certificate for 127.0.0.1 / localhost (openssl), valid for a day, in `dir`. */
export async function makeTestCertificates(dir: string): Promise<TestCertificates> {
  const f = (name: string) => join(dir, name);
  const ssl = (args: string[]) => run('openssl', args, { timeout: 30_000 });
  await ssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=portal test CA']
    .concat(['-keyout', f('ca.key'), '-out', f('ca.crt')]));
  await ssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', f('server.key'), '-out', f('server.csr')]);
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  await ssl(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '1']
    .concat(['-extfile', f('ext.cnf'), '-out', f('server.crt')]));
  return { caFile: f('ca.crt'), certFile: f('server.crt'), keyFile: f('server.key') };
}

/** Polls `check` until it is true (or throws after `ms`, with the servers' output). */
async function until(check: () => Promise<boolean>, ms: number, what: string, output: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} within ${ms} ms\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Three masters on loopback, no replicas: every slot is served. With `tls`, the nodes speak only TLS (clients and
 * the cluster bus) with a throwaway certificate (returned as `certificates`).
 */
export async function startRedisCluster(masters = 3, opts: { tls?: boolean } = {}): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'portal-redis-cluster-'));
  let tls: TestCertificates | undefined;
  const servers: { proc: ChildProcess; output: () => string; port: number }[] = [];
  const output = () => servers.map((s) => s.output()).join('\n');
  const stop = async () => {
    await Promise.all(servers.map((s) => stopServer(s.proc)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (opts.tls) tls = await makeTestCertificates(dir);
    for (let i = 0; i < masters; i++) {
      const port = await freePort(true);
      const listen = tls
        ? ['--port', '0', '--tls-port', String(port), '--tls-cluster', 'yes', '--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile]
            .concat(['--tls-ca-cert-file', tls.caFile, '--tls-auth-clients', 'no'])
        : ['--port', String(port)];
      const args = [...listen, '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`];
      args.push('--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--cluster-node-timeout', '5000');
      servers.push({ ...startServer(args, dir, `cluster node ${port}`), port });
    }
    for (const s of servers) {
      await until(async () => (await cli(s.port, ['ping'], undefined, tls)).trim() === 'PONG', 10_000, `node ${s.port} did not answer`, output);
    }
    const create = ['--cluster', 'create', ...servers.map((s) => `127.0.0.1:${s.port}`), '--cluster-replicas', '0', '--cluster-yes'];
    await run('redis-cli', [...tlsCliArgs(tls), ...create], { timeout: 30_000 });
    for (const s of servers) {
      await until(
        async () => (await cli(s.port, ['cluster', 'info'], undefined, tls)).includes('cluster_state:ok'),
        20_000,
        `node ${s.port} did not report cluster_state:ok`,
        output,
      );
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { nodes: servers.map((s) => ({ host: '127.0.0.1', port: s.port })), ...(tls ? { certificates: tls } : {}), stop };
}

/** A password-protected master and replica, and a password-protected sentinel monitoring them as `portal-master`. */
export async function startRedisSentinel(): Promise<RedisSentinelSetup> {
  const dir = mkdtempSync(join(tmpdir(), 'portal-redis-sentinel-'));
  const master = 'portal-master';
  const password = 'master-pw-0123456789';
  const sentinelPassword = 'sentinel-pw-0123456789';
  const servers: { proc: ChildProcess; output: () => string }[] = [];
  const output = () => servers.map((s) => s.output()).join('\n');
  const stop = async () => {
    // The sentinel first, so that it does not start a failover while the servers stop.
    for (const s of [...servers].reverse()) await stopServer(s.proc);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const data = (port: number) => {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', password, '--masterauth', password];
      args.push('--dir', join(dir, String(port)), '--save', '', '--appendonly', 'no', '--daemonize', 'no');
      mkdirSync(join(dir, String(port)));
      return args;
    };
    const masterPort = await freePort(false);
    servers.push(startServer(data(masterPort), dir, `master ${masterPort}`));
    await until(async () => (await cli(masterPort, ['ping'], password)).trim() === 'PONG', 10_000, 'the master did not answer', output);
    const replicaPort = await freePort(false);
    servers.push(startServer([...data(replicaPort), '--replicaof', '127.0.0.1', String(masterPort)], dir, `replica ${replicaPort}`));
    await until(
      async () => (await cli(replicaPort, ['info', 'replication'], password)).includes('master_link_status:up'),
      10_000,
      'the replica did not sync',
      output,
    );

    const sentinelPort = await freePort(false);
    const conf = join(dir, 'sentinel.conf'); // the sentinel rewrites its own config file: it must be writable
    writeFileSync(
      conf,
      [
        `port ${sentinelPort}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `requirepass ${sentinelPassword}`,
        `sentinel monitor ${master} 127.0.0.1 ${masterPort} 1`,
        `sentinel auth-pass ${master} ${password}`,
        // Long enough that a busy machine is not mistaken for a dead master; short enough for the failover test.
        `sentinel down-after-milliseconds ${master} 3000`,
        `sentinel failover-timeout ${master} 10000`,
        '',
      ].join('\n'),
    );
    const sentinel = startServer([conf, '--sentinel'], dir, `sentinel ${sentinelPort}`);
    servers.push(sentinel);
    const ask = (args: string[]) => cli(sentinelPort, ['sentinel', ...args], sentinelPassword);
    await until(async () => (await ask(['get-master-addr-by-name', master])).includes(String(masterPort)), 10_000, 'the sentinel did not name the master', output);
    await until(async () => (await ask(['replicas', master])).includes(String(replicaPort)), 20_000, 'the sentinel did not find the replica', output);
    return {
      sentinels: [{ host: '127.0.0.1', port: sentinelPort }],
      master,
      masterPort,
      replicaPort,
      password,
      sentinelPassword,
      killMaster: async () => {
        const p = servers[0]!.proc;
        if (p.exitCode !== null || p.signalCode !== null) return;
        await new Promise<void>((resolve) => {
          p.once('exit', () => resolve());
          p.kill('SIGKILL');
        });
      },
      currentMasterPort: async () => Number((await ask(['get-master-addr-by-name', master])).split('\n')[1]),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
