import type { FastifyInstance } from 'fastify';
import { createRequire } from 'node:module';
import type { AppDeps } from '../../app/deps.js';
import { presentPrices } from '../../present/present-models.js';
import { requireKey } from '../auth.js';
import { api } from '../openapi/api-catalogue.js';

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };

/** GET /admin/server: what the admin console shows of this server's engines and settings (never a secret). */
export function registerServerInfoRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get(api.getServerInfo.url, async (request) => {
    await requireKey(deps, request, 'admin');
    const hours = (ms: number) => ms / 3600_000;
    return {
      code: 200,
      data: {
        version,
        engine: { id: deps.engine.id, description: deps.engine.description },
        engines: [...deps.engines.keys()],
        base_url: deps.baseUrl(),
        billing: deps.billing,
        currency: deps.prices.currency,
        price_per_second: presentPrices(deps.prices),
        result_url_ttl_seconds: Math.round(deps.resultUrlTtlMs / 1000),
        retention_hours: { results: hours(deps.retention.resultsMs), uploads: hours(deps.retention.uploadsMs) },
        worker_lease_seconds: deps.leaseMs / 1000,
        webhooks: { retry_delays_seconds: deps.notifications.webhookRetryDelaysMs.map((ms) => ms / 1000), timeout_ms: deps.notifications.webhookTimeoutMs },
        console_session_hours: hours(deps.sessions.ttlMs),
      },
    };
  });
}
