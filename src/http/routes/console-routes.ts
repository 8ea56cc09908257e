import send from '@fastify/send';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../domain/errors.js';
import { consoleDistDir } from '../console/console-assets.js';
import { consolePages } from '../openapi/api-catalogue.js';

/**
 * The console's pages allow scripts, styles and connections to this server only: no inline script
 * or style can run, so text that slipped into the page as markup could still not execute.
 */
export const consoleCsp = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function secureHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', consoleCsp)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY');
}

const notBuilt = () =>
  new AppError('upstream_unavailable', 'The web console is not built: run `npm install` (or `npm run build:console`), or start the server with `npm start`', {
    reason: 'console_not_built',
  });

/** GET / and /console: the console's page; /console/* its static files, from the built folder only. */
export function registerConsoleRoutes(app: FastifyInstance): void {
  app.get(consolePages.root, async (_request, reply) => reply.redirect('/console/', 302));
  app.get(consolePages.page, async (_request, reply) => reply.redirect('/console/', 301));

  app.get<{ Params: { '*': string } }>(consolePages.files, async (request, reply) => {
    const file = request.params['*'];
    if (file === '' || file === 'index.html') {
      const html = await readFile(path.join(consoleDistDir, 'index.html'), 'utf8').catch(() => {
        throw notBuilt();
      });
      return secureHeaders(reply).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
    }
    const result = await send(request.raw, file, { root: consoleDistDir, dotfiles: 'deny', index: false, etag: true, lastModified: true, cacheControl: false });
    if (result.type !== 'file') throw new AppError('not_found', `No console file '${file}'`, { reason: 'route_not_found' });
    secureHeaders(reply).code(result.statusCode).headers(result.headers as Record<string, string>);
    // Vite names assets by content hash: they never change under the same name.
    reply.header('cache-control', file.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    return reply.send(result.stream);
  });
}
