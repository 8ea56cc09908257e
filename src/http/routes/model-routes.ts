import type { FastifyInstance } from 'fastify';
import { createRequire } from 'node:module';
import type { AppDeps } from '../../app/deps.js';
import { modelCatalogue } from '../../domain/model-catalogue.js';
import { requireKey } from '../auth.js';
import { api } from '../openapi/api-catalogue.js';
import { presentModel, presentPrices } from '../present-models.js';

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };

/** GET /v1/models (public: what a client needs to build a form and quote a price) and the admin's server summary. */
export function registerModelRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get(api.listModels.url, async () => ({
    object: 'list' as const,
    data: modelCatalogue.map((m) => presentModel(m, deps.prices, deps.engine)),
  }));

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
