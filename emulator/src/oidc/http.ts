// Small Fastify helpers shared by the OIDC routes and pages. Rules: the origin comes from the request (as the Okta
// routes' _links do); a hijacked reply keeps the headers the emulator's hooks already set (X-Okta-Request-Id, Date,
// X-Rate-Limit-*), because hijacking skips Fastify's own header writing.
import type { FastifyReply, FastifyRequest } from 'fastify';

export function requestOrigin(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

/** Takes over the raw response, keeping the headers set on the Fastify reply so far. */
export function hijackWithHeaders(reply: FastifyReply): void {
  reply.hijack();
  for (const [k, v] of Object.entries(reply.getHeaders())) {
    if (v !== undefined) reply.raw.setHeader(k, v as string | number | string[]);
  }
}
