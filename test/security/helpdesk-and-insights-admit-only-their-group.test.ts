/**
 * Property (issue 16): the help-desk console and the insights page admit only the members of their configured group
 * (from the ID token's `groups` claim at sign-in). For a signed-in user outside the group, every page, form, event
 * stream and API call of both answers 403 before doing anything, and each refusal is one audit event with the user's
 * identity; without a session, pages send to sign-in and the API answers 401. A help-desk agent is not let into
 * insights by being an agent (separate groups). Also: the `groups` claim is read strictly (only strings).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { groupsClaim } from '../../src/auth/index.js';
import { runAuditCommand } from '../../src/audit/command.js';
import type { StoredAuditEvent } from '../../src/audit/index.js';
import { systemClock } from '../../src/core/system.js';
import { HELPDESK_API, HELPDESK_PATHS } from '../../src/http/helpdesk/paths.js';
import { INSIGHTS_API, INSIGHTS_PATHS } from '../../src/http/insights/paths.js';
import { inputValue, signIn, startSignInStack, Web, type SignInStack } from '../auth/support.js';
import { tempDir } from '../store/helpers.js';

const FORMS = [HELPDESK_PATHS.lookup, HELPDESK_PATHS.challenge, HELPDESK_PATHS.code];
const FORM_BODIES: Record<string, Record<string, string>> = {
  [HELPDESK_PATHS.lookup]: { login: 'sam.sms@example.com' },
  [HELPDESK_PATHS.challenge]: { factorId: 'smsDemoSamSms0000001' },
  [HELPDESK_PATHS.code]: { code: '123456' },
};
const API_POSTS: Array<[string, unknown]> = [
  [HELPDESK_API.lookup, { login: 'sam.sms@example.com' }],
  [HELPDESK_API.challenge, { factorId: 'smsDemoSamSms0000001' }],
  [HELPDESK_API.verify, { code: '123456' }],
];
const PAGES = [HELPDESK_PATHS.home, HELPDESK_PATHS.code, HELPDESK_PATHS.push, HELPDESK_PATHS.pushEvents, HELPDESK_PATHS.result, INSIGHTS_PATHS.home, INSIGHTS_PATHS.csv];

describe('the help desk and insights admit only their group', () => {
  let stack: SignInStack;
  const data = tempDir('portal-admission-');
  before(async () => {
    stack = await startSignInStack({ env: { HELPDESK_GROUP: 'Portal Help Desk', INSIGHTS_GROUP: 'Portal Security', STORE: 'sqlite', DATA_DIR: data.dir } });
  });
  after(async () => {
    await stack?.close();
    data.cleanup();
  });

  const denied = async (login: string, action: string): Promise<StoredAuditEvent[]> => {
    let out = '';
    await runAuditCommand(['--user', login, '--json'], { STORE: 'sqlite', DATA_DIR: data.dir }, { out: (t) => (out += t), err: () => undefined }, systemClock);
    return out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as StoredAuditEvent).filter((e) => e.action === action);
  };

  test('outside the group: 403 on every route, one audit event each', async () => {
    const web = new Web();
    await signIn(web, stack, 'nora.none@example.com');
    const base = stack.portal.url;
    const csrf = inputValue(await (await web.get(`${base}/account`)).text(), '_csrf');
    assert.ok(csrf);
    let helpdeskRequests = 0;
    let insightsRequests = 0;
    for (const p of PAGES) {
      const res = await web.get(`${base}${p}`);
      await res.arrayBuffer();
      assert.equal(res.status, 403, `GET ${p}`);
      if (p.startsWith('/helpdesk')) helpdeskRequests++;
      else insightsRequests++;
    }
    for (const p of FORMS) {
      const res = await web.postForm(`${base}${p}`, { _csrf: csrf, ...FORM_BODIES[p] });
      assert.equal(res.status, 403, `POST ${p}: ${await res.text()}`);
      helpdeskRequests++;
    }
    for (const [p, body] of API_POSTS) {
      assert.equal((await web.api(base, 'POST', p, body)).status, 403, `POST ${p}`);
      helpdeskRequests++;
    }
    assert.equal((await web.api(base, 'GET', HELPDESK_API.status)).status, 403);
    helpdeskRequests++;
    assert.equal((await web.api(base, 'GET', INSIGHTS_API.report)).status, 403);
    insightsRequests++;
    const status = await web.get(`${base}${HELPDESK_PATHS.pushStatus}`);
    assert.equal(status.status, 403);
    assert.deepEqual(await status.json(), { status: 'moved' });
    helpdeskRequests++;

    const desk = await denied('nora.none@example.com', 'helpdesk.denied');
    const ins = await denied('nora.none@example.com', 'insights.denied');
    assert.equal(desk.length, helpdeskRequests);
    assert.equal(ins.length, insightsRequests);
    assert.ok([...desk, ...ins].every((e) => e.outcome === 'denied' && e.login === 'nora.none@example.com' && e.userId !== null));
    // Nothing was looked up for anyone.
    assert.deepEqual(await denied('sam.sms@example.com', 'helpdesk.lookup'), []);
  });

  test('a help-desk agent is not an insights viewer', async () => {
    const web = new Web();
    await signIn(web, stack, 'hal.helpdesk@example.com');
    const page = await web.get(`${stack.portal.url}${INSIGHTS_PATHS.home}`);
    assert.equal(page.status, 403);
    assert.equal((await web.get(`${stack.portal.url}${HELPDESK_PATHS.home}`)).status, 200);
  });

  test('without a session: sign-in for pages, 401 for the API', async () => {
    const web = new Web();
    const base = stack.portal.url;
    for (const p of [HELPDESK_PATHS.home, INSIGHTS_PATHS.home]) {
      const res = await web.get(`${base}${p}`);
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), '/auth/signin');
    }
    assert.equal((await web.api(base, 'POST', HELPDESK_API.lookup, { login: 'sam.sms@example.com' })).status, 401);
    assert.equal((await web.api(base, 'GET', INSIGHTS_API.report)).status, 401);
  });

  test('the groups claim: only strings are kept, anything else is no group', () => {
    assert.deepEqual(groupsClaim(['A', 'B']), ['A', 'B']);
    assert.deepEqual(groupsClaim('Portal Help Desk'), [], 'a string is not a list');
    assert.deepEqual(groupsClaim([1, null, { name: 'x' }, 'Portal Help Desk', '']), ['Portal Help Desk']);
    assert.deepEqual(groupsClaim(undefined), []);
    assert.equal(groupsClaim(Array.from({ length: 500 }, (_, i) => `g${i}`)).length, 200);
  });
});
