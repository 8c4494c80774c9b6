/**
 * `npm run check-config` and `okta-mfa-portal --check-config`: validates every setting, opens the store and pings
 * it, then asks Okta once, with a harmless read, whether it accepts the credential (src/okta/credential.ts).
 * Prints one line per check; exit code 0 when everything passed, 1 with the reason otherwise. Writes nothing
 * (the cookie secret file is not created) and never prints a secret.
 */
import { ConfigError, loadConfig } from '../config/index.js';
import { systemClock } from '../core/index.js';
import { checkOktaCredential, describeRefusal } from '../okta/credential.js';
import { createStore } from '../store/index.js';
import { VERSION } from '../version.js';

export interface CheckOutput {
  out(line: string): void;
  err(line: string): void;
}

export async function runCheckConfig(env: Record<string, string | undefined>, io: CheckOutput): Promise<number> {
  let config;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(e.message);
      return 1;
    }
    throw e;
  }
  io.out(`ok    configuration (okta-mfa-portal ${VERSION})`);
  for (const w of config.warnings) {
    // The portal itself keeps a generated secret in DATA_DIR (SQLite); only this check, which writes nothing, does not.
    if (config.store.kind === 'sqlite' && w.startsWith('COOKIE_SECRET is not set')) {
      io.out(`ok    cookie secret: generated on the first start and kept in ${config.store.dataDir}/cookie-secret`);
    } else io.out(`warn  ${w}`);
  }

  const store = await createStore(config.store, systemClock, { sweepIntervalMs: 0 }).catch((e: unknown) => {
    io.err(`fail  store: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  });
  if (store === null) return 1;
  try {
    if (!(await store.ping())) {
      io.err(`fail  store: ${config.store.kind} does not answer`);
      return 1;
    }
  } finally {
    await store.close();
  }
  io.out(`ok    store (${config.store.kind === 'redis' ? config.store.redis?.display ?? 'redis' : config.store.kind === 'sqlite' ? config.store.dataDir : 'memory'})`);

  if (config.okta.mode === 'emulator') {
    io.out('ok    demo mode: no Okta org is configured, `npm start` runs the built-in emulator (development only)');
    return 0;
  }
  const okta = config.okta;
  const r = await checkOktaCredential({
    orgUrl: okta.orgUrl,
    auth: okta.auth,
    timeoutMs: config.oktaTimeoutMs,
    userAgent: `okta-mfa-portal/${VERSION}`,
    ...(config.oktaProxy ? { proxyUrl: config.oktaProxy.url } : {}),
  });
  if (r.state === 'accepted') {
    io.out(`ok    Okta accepted the credential (${okta.orgUrl})`);
    return 0;
  }
  if (r.state === 'refused') io.err(`fail  ${describeRefusal(r, okta.auth.kind)}`);
  else io.err(`fail  cannot check the credential with Okta at ${okta.orgUrl}: ${r.reason}`);
  return 1;
}
