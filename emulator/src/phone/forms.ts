// No-JavaScript form endpoints of the emulated phone: POST /_emulator/phone/... → control API → 303 back.
//
// Rules:
// - Each endpoint validates its path id (and the number-matching answer) before anything else;
//   bad input gets a 400 page, never a stack trace.
// - The action itself is done by the JSON control API (through app.inject), so the phone never holds
//   its own copy of the emulator's rules.
// - Cross-site posts are refused (Sec-Fetch-Site / Origin): the emulator has no auth, and without this
//   any web page open in the same browser could approve a pending push with a hidden form.
// - The outcome travels back only as a whitelisted `result` key in the redirect URL.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PHONE_BASE, renderErrorPage } from './render.js';

export const ERROR_PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

// Okta ids are alphanumeric; push transaction ids may contain dots (v2mst.xxx) and UUIDs contain hyphens.
const ID_PATTERN = /^(?!\.+$)[A-Za-z0-9._~-]{1,128}$/;
const ANSWER_PATTERN = /^\d{1,4}$/;

export function isCrossSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  try {
    const from = new URL(origin);
    return from.host !== new URL(`${from.protocol}//${request.headers.host ?? ''}`).host;
  } catch {
    return true; // "null" or garbage: treat as foreign
  }
}

function refuse(reply: FastifyReply, status: number, title: string, detail: string): FastifyReply {
  return reply.code(status).headers(ERROR_PAGE_HEADERS).type('text/html; charset=utf-8').send(renderErrorPage(title, detail));
}

function backTo(reply: FastifyReply, result: string, section: string): FastifyReply {
  return reply.code(303).header('location', `${PHONE_BASE}/?result=${result}#${section}`).header('cache-control', 'no-store').send();
}

function field(body: unknown, name: string): unknown {
  return body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
}

async function callControl(app: FastifyInstance, url: string, payload?: object): Promise<{ status: number; body: unknown }> {
  try {
    const res = await app.inject(payload === undefined ? { method: 'POST', url } : { method: 'POST', url, payload });
    let body: unknown = null;
    try {
      body = JSON.parse(res.body) as unknown;
    } catch {
      body = null;
    }
    return { status: res.statusCode, body };
  } catch {
    return { status: 500, body: null };
  }
}

function outcome(status: number, success: string): string {
  if (status >= 200 && status < 300) return success;
  return status === 404 ? 'gone' : 'error';
}

type IdParams = { id: string };

export function registerPhoneForms(scope: FastifyInstance, app: FastifyInstance): void {
  scope.addHook('preHandler', async (request, reply) => {
    if (isCrossSite(request)) return refuse(reply, 403, 'Refused', 'The emulated phone accepts form posts only from its own page.');
    const { id } = request.params as IdParams;
    if (!ID_PATTERN.test(id)) return refuse(reply, 400, 'Bad request', 'That id is not valid.');
  });

  scope.post<{ Params: IdParams }>(`${PHONE_BASE}/phone/push/:id/approve`, async (request, reply) => {
    const raw = field(request.body, 'answer');
    let answer: number | undefined;
    if (raw !== undefined && raw !== '') {
      if (typeof raw !== 'string' || !ANSWER_PATTERN.test(raw)) {
        return refuse(reply, 400, 'Bad request', 'The chosen number is not valid.');
      }
      answer = Number(raw);
    }
    const url = `${PHONE_BASE}/push/${encodeURIComponent(request.params.id)}/approve`;
    const res = await callControl(app, url, answer === undefined ? {} : { answer });
    let result = outcome(res.status, 'approved');
    if (result === 'approved' && field(res.body, 'factorResult') !== 'SUCCESS') {
      result = answer === undefined ? 'error' : 'wrong-number';
    }
    return backTo(reply, result, 'push');
  });

  scope.post<{ Params: IdParams }>(`${PHONE_BASE}/phone/push/:id/reject`, async (request, reply) => {
    const res = await callControl(app, `${PHONE_BASE}/push/${encodeURIComponent(request.params.id)}/reject`);
    return backTo(reply, outcome(res.status, 'denied'), 'push');
  });

  scope.post<{ Params: IdParams }>(`${PHONE_BASE}/phone/factors/:id/activate`, async (request, reply) => {
    const res = await callControl(app, `${PHONE_BASE}/factors/${encodeURIComponent(request.params.id)}/activate`);
    return backTo(reply, outcome(res.status, 'activated'), 'activations');
  });
}
