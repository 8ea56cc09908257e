import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AppDeps } from '../app/deps.js';
import { newId } from '../domain/ids.js';
import { handleClientError, handleError, handleNotFound } from './error-response.js';
import { registerJsonBodyParser } from './json-body-parser.js';
import { registerAccountRoutes } from './routes/account-routes.js';
import { registerAdminKeyRoutes } from './routes/admin-key-routes.js';
import { registerConsoleRoutes } from './routes/console-routes.js';
import { registerFileRoutes } from './routes/file-routes.js';
import { registerModelRoutes } from './routes/model-routes.js';
import { registerOpenApiRoutes } from './routes/openapi-routes.js';
import { registerServerInfoRoutes } from './routes/server-info-routes.js';
import { registerSessionRoutes } from './routes/session-routes.js';
import { registerTaskQueryRoutes } from './routes/task-query-routes.js';
import { registerUploadRoutes } from './routes/upload-routes.js';
import { registerVideoRoutes } from './routes/video-routes.js';
import { registerWebhookRoutes } from './routes/webhook-routes.js';
import { registerTaskEventRoutes } from './routes/task-event-routes.js';
import { echoResponseVersion } from './response-version.js';
import { registerOpsRoutes } from './routes/ops-routes.js';

export interface HttpOptions {
  logLevel: string;
  /** Receiving a whole request (headers and body) may take at most this long; then 408 and the connection is closed. */
  requestTimeoutMs: number;
  /** Receiving a request's headers may take at most this long. */
  headersTimeoutMs: number;
  /** The process's logger: request lines are its children, with the request id on each. */
  logger?: FastifyBaseLogger;
}

/** Large enough for a data: URI of a maximal image (20 MB, base64) in a media field. */
const bodyLimitBytes = 40 * 1024 * 1024;

export interface RouteInfo {
  method: string;
  url: string;
}

/**
 * The HTTP edge: parse, call a use case, render. No business rules here. It gets the whole AppDeps from
 * the composition root; each route group takes only what its use cases use.
 */
export function buildHttpApp(deps: AppDeps, opts: HttpOptions, routes: RouteInfo[] = []): FastifyInstance {
  const app = Fastify({
    // Node checks both deadlines on a timer (30 s by default): a short deadline is checked more often.
    http: {
      requestTimeout: opts.requestTimeoutMs,
      headersTimeout: opts.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(30_000, Math.ceil(opts.headersTimeoutMs / 4)),
    },
    requestTimeout: opts.requestTimeoutMs,
    // The router's refusals (an overlong or malformed path) get the error envelope too.
    frameworkErrors: handleError,
    clientErrorHandler: handleClientError,
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: { level: opts.logLevel } }),
    bodyLimit: bodyLimitBytes,
    genReqId: () => newId('req'),
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: opts.logLevel !== 'debug' && opts.logLevel !== 'trace' }),
  });
  // The route table, so checks that must hold on every route (the security suite) find them all.
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url });
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  echoResponseVersion(app);
  // Counted when the response is done (event streams too, which bypass Fastify's own response hooks).
  app.addHook('onRequest', async (request, reply) => {
    const startedMs = performance.now();
    reply.raw.once('close', () =>
      deps.metrics.httpRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.raw.statusCode, performance.now() - startedMs),
    );
  });
  app.setErrorHandler(handleError);
  registerJsonBodyParser(app);
  app.setNotFoundHandler(handleNotFound);
  registerOpsRoutes(app, deps, { metricsNeedKey: true });
  registerVideoRoutes(app, deps);
  registerWebhookRoutes(app, deps);
  registerTaskEventRoutes(app, deps);
  registerAdminKeyRoutes(app, deps);
  registerAccountRoutes(app, deps);
  registerFileRoutes(app, deps);
  registerUploadRoutes(app, deps);
  registerTaskQueryRoutes(app, deps);
  registerOpenApiRoutes(app, deps);
  registerModelRoutes(app, deps);
  registerSessionRoutes(app, deps);
  registerConsoleRoutes(app);
  registerServerInfoRoutes(app, deps);
  return app;
}

/** The separate metrics port (METRICS_PORT): /metrics, /healthz and /readyz only, no key, no request logs. */
export function buildOpsApp(deps: AppDeps, logger?: FastifyBaseLogger): FastifyInstance {
  const app = Fastify({ ...(logger ? { loggerInstance: logger } : {}), logController: new LogController({ disableRequestLogging: true }) });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  registerOpsRoutes(app, deps, { metricsNeedKey: false });
  return app;
}
