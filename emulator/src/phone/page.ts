// The emulated phone: GET /_emulator/ (HTML), /_emulator/assets/* and the no-JS form posts.
//
// Rules:
// - Data comes only from the emulator's JSON control API (state.ts, via app.inject); the page adds no
//   state of its own, so a test sees through the control API exactly what the phone shows.
// - The page is served with a strict CSP (no inline script or style anywhere), no-store, and nosniff.
// - Routes live in their own encapsulated scope; the urlencoded body parser is added only there and only
//   if the emulator has none, so nothing here changes how the Okta API paths parse bodies.
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { ASSETS } from './assets.js';
import { ERROR_PAGE_HEADERS, registerPhoneForms } from './forms.js';
import { ASSET_BASE, PHONE_BASE, renderPhonePage } from './render.js';
import { loadPhoneState } from './state.js';

export const PAGE_HEADERS = ERROR_PAGE_HEADERS;

export async function registerPhonePage(app: FastifyInstance): Promise<void> {
  await app.register(async (scope) => {
    scope.get(`${PHONE_BASE}/`, async (request, reply) => {
      const query = request.query as Record<string, unknown> | undefined;
      const result = typeof query?.result === 'string' ? query.result : null;
      const state = await loadPhoneState(app);
      return reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(renderPhonePage(state, result));
    });

    // With ignoreTrailingSlash the page route above already answers /_emulator.
    if (!scope.hasRoute({ method: 'GET', url: PHONE_BASE })) {
      scope.get(PHONE_BASE, async (_request, reply) => reply.redirect(`${PHONE_BASE}/`, 301));
    }

    scope.get<{ Params: { name: string } }>(`${ASSET_BASE}/:name`, async (request, reply) => {
      const found = ASSETS.get(request.params.name);
      if (found === undefined) return reply.callNotFound();
      reply.header('etag', found.etag).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff');
      if (request.headers['if-none-match'] === found.etag) return reply.code(304).send();
      return reply.type(found.contentType).send(found.body);
    });

    await scope.register(async (forms) => {
      if (!forms.hasContentTypeParser('application/x-www-form-urlencoded')) await forms.register(formbody);
      registerPhoneForms(forms, app);
    });
  });
}
