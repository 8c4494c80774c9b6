/** Builds the pages' ViewContext from configuration (links from the configured base path, never the request). */
import type { FastifyRequest } from 'fastify';
import type { ViewContext } from '../views/layout.js';
import type { ResolvedHttpConfig } from './config.js';

export function viewContext(cfg: ResolvedHttpConfig, request: FastifyRequest): ViewContext {
  return {
    orgName: cfg.orgName,
    supportUrl: cfg.supportHref,
    href: (path: string) => cfg.basePath + path,
    requestId: request.id,
  };
}
