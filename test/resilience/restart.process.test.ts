// Restart (REL-1, issue 4): the real portal process (node src/main.ts) on one SQLite file, SIGKILLed after the SMS
// was sent and again after verification; each new process continues the same flow (same cookies) until the password
// is changed. A lockout (wrong codes) and a per-login rate-limit counter survive the restarts too.
// The processes log at debug level: their stdout is then searched for the flow's secrets, and every request line
// must carry a reqId.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiClient,
  NEW_PASSWORD,
  PASSWORD,
  ROOMY_LIMITS,
  SMS_USER,
  TOTP_USER,
  errorCode,
  killAllPortals,
  logLines,
  spawnPortal,
  startOrg,
  wrongCode,
  type Org,
  type PortalProcess,
} from './support.js';

let org: Org;
let dataDir: string;
const logs: string[] = [];

before(async () => {
  org = await startOrg();
  dataDir = mkdtempSync(join(tmpdir(), 'portal-restart-'));
});
after(async () => {
  await killAllPortals();
  await org?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const LIMITED = 'second.user@example.com';
const env = () => ({
  ...ROOMY_LIMITS,
  LIMIT_PER_LOGIN: '1000/15m',
  STORE: 'sqlite',
  DATA_DIR: dataDir,
  MAX_WRONG_CODES_PER_FLOW: '3',
  LOG_LEVEL: 'debug',
});

async function crash(p: PortalProcess): Promise<void> {
  const { signal } = await p.kill('SIGKILL');
  assert.equal(signal, 'SIGKILL');
  logs.push(p.stdout());
}

test('flows, lockouts and limits survive SIGKILL restarts on the same SQLite file', async () => {
  // Process 1: the SMS is sent; a second flow takes 2 of its 3 wrong codes; a login spends 3 of its 5 starts.
  const p1 = await spawnPortal(org, { ...env(), LIMIT_PER_LOGIN: '5/15m' });
  const sms = new ApiClient(p1.url);
  assert.equal((await sms.start(SMS_USER)).status, 200);
  assert.equal((await sms.challenge('sms')).status, 200);
  const code = await org.lastCode(SMS_USER);

  const brute = new ApiClient(p1.url);
  assert.equal((await brute.start(TOTP_USER)).status, 200);
  assert.equal((await brute.challenge('google-authenticator')).status, 200);
  const right = await org.totpCode(TOTP_USER);
  for (let i = 0; i < 2; i++) assert.equal(errorCode(await brute.verify(wrongCode(right))), 'INVALID_CODE');

  const limited = new ApiClient(p1.url);
  for (let i = 0; i < 3; i++) assert.equal((await limited.start(LIMITED)).status, 200);
  await crash(p1);

  // Process 2: the same flow (same cookie) verifies the code that process 1 had sent.
  const p2 = await spawnPortal(org, { ...env(), LIMIT_PER_LOGIN: '5/15m' });
  sms.base = p2.url;
  assert.equal((await sms.status()).body.status, 'code_sent');
  const verified = await sms.verify(code);
  assert.equal(verified.status, 200, verified.text);
  const ott = verified.body.ott!;
  assert.ok(ott);
  // The lockout: the third wrong code (counted across the restart) closes the flow; then even the right code fails.
  brute.base = p2.url;
  assert.equal(errorCode(await brute.verify(wrongCode(right))), 'TOO_MANY_ATTEMPTS');
  await crash(p2);

  // Process 3: the ott from process 2 changes the password; the lockout and the limit still hold.
  const p3 = await spawnPortal(org, { ...env(), LIMIT_PER_LOGIN: '5/15m' });
  sms.base = p3.url;
  const changed = await sms.password(ott);
  assert.equal(changed.status, 200, changed.text);
  assert.equal(changed.body.status, 'changed');
  assert.equal(await org.authn(SMS_USER, NEW_PASSWORD), 200);
  assert.equal(await org.authn(SMS_USER, PASSWORD), 401);

  brute.base = p3.url;
  assert.equal(errorCode(await brute.verify(right)), 'TOO_MANY_ATTEMPTS', 'still locked after two restarts');

  limited.base = p3.url;
  for (let i = 0; i < 2; i++) assert.equal((await limited.start(LIMITED)).status, 200, `start ${4 + i} of 5`);
  const over = await limited.start(LIMITED);
  assert.equal(errorCode(over), 'RATE_LIMITED', 'the sixth start: the counter kept the first three');
  assert.ok(Number(over.headers.get('retry-after')) > 0);

  await p3.kill('SIGTERM');
  logs.push(p3.stdout());

  // The real processes' logs: no secret of these flows, and a reqId on every request line.
  const text = logs.join('\n');
  const cookieParts = [...sms.cookies.values(), ...brute.cookies.values()].flatMap((v) => [v, ...v.split('.').filter((x) => x.length >= 16)]);
  for (const secret of [code, wrongCode(right), ott, NEW_PASSWORD, PASSWORD, org.apiToken, await sms.csrf(), ...cookieParts]) {
    const pattern = /^\d+$/.test(secret) ? new RegExp(`(?<![0-9])${secret}(?![0-9])`) : new RegExp(secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    assert.doesNotMatch(text, pattern, 'a secret reached the log');
  }
  const lines = logLines(text);
  const requestLines = lines.filter((l) => l.audit === true || l.okta !== undefined || l.req !== undefined || l.res !== undefined);
  assert.ok(requestLines.length > 30);
  for (const l of requestLines) assert.equal(typeof l.reqId, 'string', `no reqId on ${JSON.stringify(l).slice(0, 200)}`);
});
