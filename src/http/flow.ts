/** The flow handle of a request, or FLOW_EXPIRED (the same answer the core gives for an unknown handle). */
import type { FastifyRequest } from 'fastify';
import { PortalError } from '../core/errors.js';
import type { ResolvedHttpConfig } from './config.js';
import { readFlowHandle } from './cookies.js';

export function requireHandle(request: FastifyRequest, cfg: ResolvedHttpConfig): string {
  const handle = readFlowHandle(request, cfg);
  if (handle === null) throw new PortalError('FLOW_EXPIRED', { detail: 'no flow cookie' });
  return handle;
}

/** Codes are typed with spaces sometimes ("123 456"); the core sees digits only. */
export function normaliseCode(code: string): string {
  return code.replace(/\s+/g, '');
}
