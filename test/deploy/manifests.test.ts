// The deployment files (Dockerfile, compose.yaml, deploy/k8s, deploy/systemd, deploy/nginx) name settings, paths and
// ports of the portal: each must exist in the code, and each set of settings must pass the portal's own validation.
// There is no container engine here, so this is what can be proven without running them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { loadConfig, SECRET_FILE_SETTINGS, SETTING_NAMES, unknownSettingHints } from '../../src/config/index.js';
import { OPS_PATHS } from '../../src/ops/index.js';
import { PAGE_PATHS } from '../../src/http/pages/paths.js';
import { ACCOUNT_PATHS } from '../../src/http/account/paths.js';
import { PATHS } from '../../src/http/paths.js';
import { HELPDESK_PATHS } from '../../src/http/helpdesk/paths.js';

const root = new URL('../../', import.meta.url);
const text = (p: string) => readFileSync(new URL(p, root), 'utf8');
const KNOWN = new Set<string>([...SETTING_NAMES, ...SECRET_FILE_SETTINGS.map((n) => `${n}_FILE`), 'NODE_ENV']);
const TOKEN = '00abcDEF_ghiJKL-mnoPQRstuVWxyz0123456789';
const COOKIE = 'c'.repeat(44);

function assertSettings(where: string, env: Record<string, string>): void {
  const unknown = Object.keys(env).filter((k) => !KNOWN.has(k));
  assert.deepEqual(unknown, [], `${where}: names that are not settings`);
  assert.deepEqual(unknownSettingHints(env), [], `${where}: names that look misspelt`);
}

/** loadConfig over `env` with every *_FILE answered by `files` (by path); returns the config or throws. */
function validate(env: Record<string, string>, files: Record<string, string>) {
  const { NODE_ENV: _ignored, ...settings } = env;
  return loadConfig(settings, {
    readFile: (p) => {
      const body = files[p];
      if (body === undefined) throw Object.assign(new Error(`no fixture for ${p}`), { code: 'ENOENT' });
      return body;
    },
  });
}

describe('Dockerfile', () => {
  const docker = text('Dockerfile');
  const env: Record<string, string> = {};
  for (const m of docker.matchAll(/^ENV ((?:.*\\\n)*.*)$/gm)) {
    for (const pair of m[1]!.replace(/\\\n/g, ' ').trim().split(/\s+/)) {
      const [k, v] = pair.split('=');
      env[k!] = v!;
    }
  }

  test('multi-stage on node:24-slim, npm ci --omit=dev, non-root, DATA_DIR volume, exec-form node entry point', () => {
    assert.match(docker, /^ARG NODE_IMAGE=node:24-slim$/m);
    assert.ok((docker.match(/^FROM /gm) ?? []).length >= 3);
    assert.match(docker, /npm ci --omit=dev/);
    assert.match(docker, /^USER node$/m);
    assert.equal(env.DATA_DIR, '/data');
    assert.match(docker, /^VOLUME \["\/data"\]$/m);
    assert.match(docker, /^ENTRYPOINT \["node", "dist\/src\/main\.js"\]$/m);
    const pkg = JSON.parse(text('package.json')) as { bin: Record<string, string> };
    assert.equal(pkg.bin['okta-mfa-portal'], 'dist/src/main.js');
  });

  test('its settings exist; EXPOSE is PORT; the health check asks /healthz with node (no curl)', () => {
    assertSettings('Dockerfile ENV', env);
    assert.equal(docker.match(/^EXPOSE (\d+)$/m)?.[1], env.PORT);
    const hc = /^HEALTHCHECK .*\\\n\s+CMD (\[.*\])$/m.exec(docker);
    assert.ok(hc, 'HEALTHCHECK CMD in exec form');
    const cmd = JSON.parse(hc[1]!) as string[];
    assert.equal(cmd[0], 'node');
    assert.ok(cmd.join(' ').includes(OPS_PATHS.health));
    assert.doesNotMatch(docker, /\bcurl\b|\bwget\b/);
  });
});

describe('compose.yaml', () => {
  const compose = parseYaml(text('compose.yaml')) as {
    'x-portal-env': Record<string, string>;
    services: Record<string, { environment?: Record<string, string>; deploy?: { replicas?: number }; read_only?: boolean; secrets?: string[] }>;
    networks: { portal: { ipam: { config: { subnet: string }[] } } };
    secrets: Record<string, { file: string }>;
  };
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(compose['x-portal-env'])) env[k] = String(v).replace(/^\$\{(\w+):\?.*\}$/, (_, name: string) => (name === 'PUBLIC_URL' ? 'https://recover.example.com' : 'https://dev-123456.okta.com'));

  test('two read-only portal replicas on Redis behind nginx, settings valid', () => {
    const portal = compose.services.portal!;
    assert.equal(portal.deploy?.replicas, 2);
    assert.equal(portal.read_only, true);
    assert.ok(compose.services.redis && compose.services.nginx);
    assertSettings('compose.yaml', env);
    const c = validate(env, { '/run/secrets/okta_api_token': TOKEN, '/run/secrets/cookie_secret': COOKIE });
    assert.equal(c.store.kind, 'redis');
    assert.equal(c.ops.metrics?.port, 9464);
    // TRUST_PROXY is the compose network, where nginx lives.
    assert.deepEqual(c.server.trustProxy, [compose.networks.portal.ipam.config[0]!.subnet]);
    for (const s of portal.secrets ?? []) assert.ok(env[`${s.toUpperCase()}_FILE`] === `/run/secrets/${s}`, `secret ${s} is read through its _FILE setting`);
  });

  test('nginx forwards to PORT and streams the push pages unbuffered', () => {
    const nginx = text('deploy/nginx/portal.conf');
    assert.match(nginx, new RegExp(`server portal:${env.PORT};`));
    const sse = /location ~ (\S+) \{([^}]*)\}/.exec(nginx);
    assert.ok(sse, 'an SSE location');
    // nginx's regex locations are PCRE; these are plain enough for JavaScript's.
    const matchesSse = new RegExp(sse[1]!);
    for (const p of [PAGE_PATHS.pushEvents, ACCOUNT_PATHS.verifyEvents, ACCOUNT_PATHS.enrolEvents, HELPDESK_PATHS.pushEvents]) {
      assert.match(p, matchesSse, `${p} (server-sent events) takes the unbuffered location`);
    }
    for (const p of [PATHS.push, PATHS.code, HELPDESK_PATHS.push, '/api/v1/recovery/status']) assert.doesNotMatch(p, matchesSse, p);
    assert.match(sse[2]!, /proxy_buffering off;/);
    for (const p of Object.values(OPS_PATHS)) assert.ok(nginx.includes(`location = ${p} { return 404; }`), `${p} kept internal`);
    assert.match(nginx, /location \/ \{[^}]*proxy_set_header X-Forwarded-For \$remote_addr;/);
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifests are read loosely, as kubectl would
type Manifest = Record<string, any>;

describe('deploy/k8s', () => {
  const dir = new URL('deploy/k8s/', root);
  const kustomization = parseYaml(text('deploy/k8s/kustomization.yaml')) as { resources: string[] };
  const docs = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((f) => parseAllDocuments(readFileSync(new URL(f, dir), 'utf8')).map((d) => ({ file: f, doc: d.toJSON() as Manifest })));
  const byKind = (kind: string) => docs.find((d) => d.doc.kind === kind)?.doc;

  test('kustomization lists every manifest: Deployment, Service, ConfigMap, Secret, PodDisruptionBudget', () => {
    assert.deepEqual([...kustomization.resources].sort(), [...new Set(docs.map((d) => d.file))].sort());
    for (const kind of ['Deployment', 'Service', 'ConfigMap', 'Secret', 'PodDisruptionBudget']) assert.ok(byKind(kind), kind);
  });

  test('the ConfigMap with the Secret mounted where its *_FILE settings point passes the portal validation', () => {
    const data = byKind('ConfigMap')!.data as Record<string, string>;
    assertSettings('configmap.yaml', data);
    const secret = byKind('Secret')!.stringData as Record<string, string>;
    const deployment = byKind('Deployment')!;
    const container = deployment.spec.template.spec.containers[0];
    const mount = container.volumeMounts.find((m: { name: string }) => m.name === 'secrets').mountPath as string;
    const files: Record<string, string> = {};
    for (const [k, v] of Object.entries(secret)) files[`${mount}/${k}`] = k === 'okta-api-token' ? TOKEN : k === 'cookie-secret' ? COOKIE : v.replace('REPLACE-password', 'pw');
    for (const [k, v] of Object.entries(data)) if (k.endsWith('_FILE')) assert.ok(files[v] !== undefined, `${k} points at a key of the Secret`);
    const c = validate(data, files);
    assert.equal(c.store.kind, 'redis');
    assert.equal(c.okta.mode, 'org');
  });

  test('probes and ports exist in the code; the pod runs non-root on a read-only root filesystem', () => {
    const data = byKind('ConfigMap')!.data as Record<string, string>;
    const spec = byKind('Deployment')!.spec.template.spec;
    const c = spec.containers[0];
    const ports = Object.fromEntries(c.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]));
    assert.equal(ports.http, Number(data.PORT));
    assert.equal(ports.metrics, Number(data.METRICS_PORT));
    const opsPaths = Object.values(OPS_PATHS) as string[];
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      assert.ok(opsPaths.includes(c[probe].httpGet.path), `${probe} path`);
      assert.ok(ports[c[probe].httpGet.port] !== undefined, `${probe} port`);
    }
    assert.equal(c.livenessProbe.httpGet.path, OPS_PATHS.health);
    assert.equal(c.readinessProbe.httpGet.path, OPS_PATHS.ready);
    assert.equal(spec.template?.metadata?.annotations?.['prometheus.io/path'] ?? OPS_PATHS.metrics, OPS_PATHS.metrics);
    assert.equal(spec.securityContext.runAsNonRoot, true);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
    assert.equal(spec.enableServiceLinks, false);
    assert.ok(Number(data.SHUTDOWN_TIMEOUT_SECONDS) < spec.terminationGracePeriodSeconds);
    const svc = byKind('Service')!;
    for (const p of svc.spec.ports) assert.ok(ports[p.targetPort] !== undefined, `service targetPort ${p.targetPort}`);
    assert.ok(byKind('PodDisruptionBudget')!.spec.minAvailable >= 1);
  });
});

describe('deploy/systemd', () => {
  test('its settings exist and validate; ExecStart is the bin entry; the state directory is DATA_DIR', () => {
    const unit = text('deploy/systemd/okta-mfa-portal.service');
    const env: Record<string, string> = {};
    for (const m of unit.matchAll(/^Environment=(\w+)=(.*)$/gm)) env[m[1]!] = m[2]!;
    assertSettings('systemd unit', env);
    assert.match(unit, /^ExecStart=\/usr\/bin\/node \/opt\/okta-mfa-portal\/dist\/src\/main\.js$/m);
    assert.equal(env.DATA_DIR, `/var/lib/${/^StateDirectory=(.*)$/m.exec(unit)?.[1]}`);
    const c = validate({ ...env, OKTA_API_TOKEN_FILE: '/cred/okta-api-token', OKTA_ORG_URL: 'https://dev-123456.okta.com', PUBLIC_URL: 'https://recover.example.com' }, { '/cred/okta-api-token': TOKEN });
    assert.deepEqual(c.server.trustProxy, ['loopback']);
    assert.match(unit, /^KillSignal=SIGTERM$/m);
  });
});
