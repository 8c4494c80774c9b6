/**
 * GET /assets/<name>.<hash>.<ext>: the embedded CSS / JS. The name carries the content hash, so a year-long
 * immutable cache is safe; an unknown name is a 404 like any other.
 */
import type { FastifyInstance } from 'fastify';
import { ASSETS_BY_FILE } from '../views/assets/index.js';
import { PATHS } from './paths.js';

export async function assetRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { file: string } }>(`${PATHS.assets}/:file`, async (request, reply) => {
    const asset = ASSETS_BY_FILE.get(request.params.file);
    if (!asset) return reply.callNotFound();
    return reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .type(asset.contentType)
      .send(asset.body);
  });
}
