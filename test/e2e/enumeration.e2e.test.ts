/**
 * Threat: account and factor enumeration: by comparing the portal's answers (status, body, cookies, headers,
 * timing) for different logins, an attacker learns which accounts exist, which are active, and which methods
 * they have enrolled, then targets them (phishing, SIM swap, push bombing).
 * Checklist: RST-1 (same answer for every identifier and status), RST-2 (consistent timing), RST-3 (the method list
 * and the challenge answer do not reveal enrolment), ATK-1/ATK-2 (enumeration via the reset flow).
 * Kinds compared: a real user with the chosen method, an unknown login, SUSPENDED, DEPROVISIONED, STAGED and
 * LOCKED_OUT users (ALLOW_LOCKED_OUT_RECOVERY unset), and a real user without the chosen method. Values random by
 * nature (expiresAt, correctAnswer, the cookie's value, Date, X-Request-Id) are replaced before comparing.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOMY_LIMITS, Stack, hiddenField, median, type Answer, type Browser } from './support.js';

const REAL = { kind: 'real user', login: 'sms.user@example.com' };
const DECOYS = [
  { kind: 'unknown login', login: 'nobody.here@example.com' },
  { kind: 'unknown non-email login', login: 'nobody.here' },
  { kind: 'SUSPENDED', login: 'suspended.user@example.com' },
  { kind: 'DEPROVISIONED', login: 'deprovisioned.user@example.com' },
  { kind: 'STAGED', login: 'staged.user@example.com' },
  { kind: 'LOCKED_OUT', login: 'locked.user@example.com' },
  { kind: 'user without SMS', login: 'google.user@example.com' },
];
const KINDS = [REAL, ...DECOYS];

let stack: Stack;

before(async () => {
  stack = await Stack.start(ROOMY_LIMITS);
});
after(() => stack?.close());
beforeEach(() => stack.reset());

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const VOLATILE_HEADERS = new Set(['date', 'x-request-id', 'set-cookie']);

/** Replaces values that are random by nature, after checking their shape. */
function normaliseBody(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(normaliseBody);
  if (body === null || typeof body !== 'object') return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === 'expiresAt') {
      assert.match(String(v), ISO);
      out[k] = '<iso time>';
    } else if (k === 'correctAnswer') {
      assert.ok(typeof v === 'number' && v >= 10 && v <= 99, `correctAnswer ${String(v)}`);
      out[k] = '<two-digit number>';
    } else out[k] = normaliseBody(v);
  }
  return out;
}

function fingerprint(a: Answer<unknown>): unknown {
  const headers: Record<string, string> = {};
  a.headers.forEach((v, k) => {
    if (!VOLATILE_HEADERS.has(k)) headers[k] = v;
  });
  const cookies = a.headers
    .getSetCookie()
    .map((c) => c.replace(/^([^=]+)=([^;]*)/, (_m, name: string, value: string) => `${name}=<${value.length} chars>`))
    .sort();
  return { status: a.status, body: normaliseBody(a.body), cookies, headers };
}

async function walk(b: Browser, login: string, method: string): Promise<Answer<unknown>[]> {
  await b.csrf();
  const start = await b.api('POST', '/api/v1/recovery', { username: login });
  const challenge = await b.api('POST', '/api/v1/recovery/challenge', { method });
  const status = await b.api('GET', '/api/v1/recovery/status');
  return [start, challenge, status];
}

describe('same answers for every kind of login', () => {
  test('start, SMS challenge, status and a wrong code look the same', async () => {
    const seen = new Map<string, unknown>();
    for (const k of KINDS) {
      const b = stack.browser();
      const answers = await walk(b, k.login, 'sms');
      assert.equal(answers[0]!.status, 200, `${k.kind}: ${answers[0]!.text}`);
      assert.equal(answers[1]!.status, 200, `${k.kind}: ${answers[1]!.text}`);
      const code = k === REAL ? await stack.lastCode(k.login) : '123456';
      const wrong = await b.api('POST', '/api/v1/recovery/verify', { code: code === '000000' ? '111111' : '000000' });
      assert.equal(wrong.status, 400);
      seen.set(k.kind, [...answers, wrong].map(fingerprint));
    }
    const real = seen.get(REAL.kind);
    for (const d of DECOYS) assert.deepEqual(seen.get(d.kind), real, `${d.kind} differs from a real user`);
    // Only the real user got a text message.
    for (const d of DECOYS) assert.deepEqual(await stack.messagesTo(d.login), [], d.kind);
  });

  test('a push challenge and its status look the same for a real push user and for decoys', async () => {
    const kinds = [
      { kind: 'real push user', login: 'push.user@example.com' },
      { kind: 'unknown login', login: 'nobody.here@example.com' },
      { kind: 'SUSPENDED', login: 'suspended.user@example.com' },
      { kind: 'user without push', login: 'sms.user@example.com' },
    ];
    const prints: unknown[] = [];
    for (const k of kinds) {
      const answers = await walk(stack.browser(), k.login, 'push');
      assert.equal(answers[1]!.status, 200, `${k.kind}: ${answers[1]!.text}`);
      prints.push(answers.map(fingerprint));
    }
    for (let i = 1; i < kinds.length; i++) assert.deepEqual(prints[i], prints[0], `${kinds[i]!.kind} differs`);
  });

  test('the HTML method page is the same (RST-3: the operator\'s list, no enrolment hints)', async () => {
    const pages: string[] = [];
    for (const k of KINDS) {
      const b = stack.browser();
      const started = await b.submit('/recover', { username: k.login });
      assert.equal(started.status, 303, k.kind);
      assert.equal(started.headers.get('location'), '/recover/method');
      const page = await b.page('/recover/method');
      assert.equal(page.status, 200);
      hiddenField(page.text, '_csrf'); // present (one per form)
      pages.push(page.text.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value="<csrf>"'));
    }
    for (let i = 1; i < pages.length; i++) assert.equal(pages[i], pages[0], `${KINDS[i]!.kind} differs`);
    assert.doesNotMatch(pages[0]!, /\+1|555|•/, 'no phone number hints');
  });
});

const LATENCY_MS = 40;

describe('timing (RST-2)', () => {
  test('decoys are not systematically faster than a real user', async (t) => {
    // A portal without its own resend cooldown so the real user can be challenged every round; the emulator's
    // clock skips Okta's 30 s window between rounds.
    const portal = await stack.portalWith({ ...ROOMY_LIMITS, RESEND_COOLDOWN_SECONDS: '0' });
    // A realistic Okta is slower than the local emulator: without this latency a decoy that skipped the factor
    // lookup or the SMS send entirely would be only a few ms faster, lost in the margin below.
    await stack.fault({ path: '/api/v1/users/*/factors', method: 'GET', latencyMs: LATENCY_MS });
    await stack.fault({ path: '/api/v1/users/*/factors/*/verify', method: 'POST', latencyMs: LATENCY_MS });
    const ROUNDS = 4;
    const times = new Map<string, { start: number[]; challenge: number[] }>(KINDS.map((k) => [k.kind, { start: [], challenge: [] }]));
    for (let round = 0; round <= ROUNDS; round++) {
      await stack.advanceClock(31);
      const order = [...KINDS].sort(() => Math.random() - 0.5);
      for (const k of order) {
        const b = stack.browser(portal);
        await b.csrf();
        const start = await b.api('POST', '/api/v1/recovery', { username: k.login });
        const challenge = await b.api('POST', '/api/v1/recovery/challenge', { method: 'sms' });
        assert.equal(start.status, 200);
        assert.equal(challenge.status, 200, `${k.kind} round ${round}: ${challenge.text}`);
        if (round === 0) continue; // warm-up round
        times.get(k.kind)!.start.push(start.ms);
        times.get(k.kind)!.challenge.push(challenge.ms);
      }
    }
    const real = times.get(REAL.kind)!;
    const report: string[] = [];
    for (const step of ['start', 'challenge'] as const) {
      const realMedian = median(real[step]);
      // Generous on purpose: a loaded 2-core machine adds tens of ms of noise; a decoy that skips the Okta calls
      // altogether would still show up as a large, systematic gap in the medians.
      const margin = Math.max(20, realMedian * 0.5);
      for (const d of DECOYS) {
        const m = median(times.get(d.kind)![step]);
        report.push(`${step} ${d.kind}: ${m.toFixed(1)} ms vs real ${realMedian.toFixed(1)} ms`);
        assert.ok(m >= realMedian - margin, `${step}: ${d.kind} median ${m.toFixed(1)} ms is much faster than real ${realMedian.toFixed(1)} ms`);
      }
    }
    assert.ok(real.start.every((ms) => ms >= LATENCY_MS), 'the injected latency applies to the real user');
    t.diagnostic(report.join('; '));
  });
});
