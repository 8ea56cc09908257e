import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { AppDeps } from '../app/deps.js';
import { newId } from '../domain/ids.js';
import { handleError, handleNotFound } from './error-response.js';
import { registerAccountRoutes } from './routes/account-routes.js';
import { registerAdminKeyRoutes } from './routes/admin-key-routes.js';
import { registerFileRoutes } from './routes/file-routes.js';
import { registerVideoRoutes } from './routes/video-routes.js';

export interface HttpOptions {
  logLevel: string;
  /** Large enough for a data: URI of a maximal image (20 MB, base64) in a media field. */
  bodyLimitBytes?: number;
}

/** The HTTP edge: parse, call a use case, render. No business rules here. */
export function buildHttpApp(deps: AppDeps, opts: HttpOptions): FastifyInstance {
  const app = Fastify({
    logger: { level: opts.logLevel },
    bodyLimit: opts.bodyLimitBytes ?? 40 * 1024 * 1024,
    genReqId: () => newId('req'),
    requestIdHeader: false,
    logController: new LogController({ disableRequestLogging: opts.logLevel !== 'debug' && opts.logLevel !== 'trace' }),
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  app.get('/healthz', async () => ({ ok: true }));
  registerVideoRoutes(app, deps);
  registerAdminKeyRoutes(app, deps);
  registerAccountRoutes(app, deps);
  registerFileRoutes(app, deps);
  return app;
}
