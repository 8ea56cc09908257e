import type { FastifyInstance } from 'fastify';
import { collectMetrics, type CollectMetricsDeps } from '../../app/collect-metrics.js';
import { checkReadiness, type ReadinessDeps } from '../../app/readiness.js';
import { requireKey, type AuthDeps } from '../auth.js';
import { api } from '../openapi/api-catalogue.js';

export type OpsDeps = AuthDeps & ReadinessDeps & CollectMetricsDeps;

/**
 * GET /healthz (the process answers), GET /readyz (it should get traffic) and GET /metrics. On the API
 * port /metrics needs the admin key; on the separate metrics port (loopback by default) it needs none.
 */
export function registerOpsRoutes(app: FastifyInstance, deps: OpsDeps, opts: { metricsNeedKey: boolean }): void {
  app.get(api.health.url, async () => ({ ok: true }) as const);

  app.get(api.readiness.url, async (_request, reply) => {
    const report = await checkReadiness(deps);
    return reply.code(report.ready ? 200 : 503).header('cache-control', 'no-store').send(report);
  });

  app.get(api.metrics.url, async (request, reply) => {
    if (opts.metricsNeedKey) await requireKey(deps, request, 'admin');
    const { contentType, text } = await collectMetrics(deps);
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(text);
  });
}
