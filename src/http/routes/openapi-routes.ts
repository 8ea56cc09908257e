import send from '@fastify/send';
import type { FastifyInstance } from 'fastify';
import path from 'node:path';
import type { AppDeps } from '../../app/deps.js';
import { clipEcho } from '../../domain/clip-echo.js';
import { AppError } from '../../domain/errors.js';
import { api, docsAssetsUrl } from '../openapi/api-catalogue.js';
import { buildOpenApiDocument } from '../openapi/build-openapi.js';
import { docsAsset, docsPageHtml } from '../openapi/docs-page.js';

/** GET /openapi.json (the generated document, this server as its server URL) and the docs page. */
export function registerOpenApiRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'baseUrl'>): void {
  // Generated once per base URL (it is set when the server listens, or configured).
  let cached: { baseUrl: string; body: string } | undefined;

  app.get(api.getOpenApiDocument.url, async (_request, reply) => {
    const baseUrl = deps.baseUrl();
    if (cached?.baseUrl !== baseUrl) cached = { baseUrl, body: JSON.stringify(buildOpenApiDocument(baseUrl)) };
    return reply.header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-cache').send(cached.body);
  });

  app.get(api.getDocs.url, async (_request, reply) =>
    reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(docsPageHtml),
  );

  app.get<{ Params: { asset: string } }>(docsAssetsUrl, async (request, reply) => {
    // `/docs/`: the page itself lives at `/docs` (its relative links need that).
    if (request.params.asset === '') return reply.redirect('../docs', 301);
    const asset = docsAsset(request.params.asset);
    if (!asset) throw new AppError('not_found', `No docs file '${clipEcho(request.params.asset)}'`, { reason: 'route_not_found' });
    reply.header('x-content-type-options', 'nosniff');
    if (asset.kind === 'inline') return reply.header('content-type', asset.contentType).header('cache-control', 'no-cache').send(asset.body);
    const result = await send(request.raw, path.basename(asset.path), { root: path.dirname(asset.path), etag: true, lastModified: true, cacheControl: false });
    reply.code(result.statusCode).headers(result.headers as Record<string, string>);
    if (result.type === 'file') reply.header('content-type', asset.contentType).header('cache-control', 'public, max-age=3600');
    return reply.send(result.stream);
  });
}
