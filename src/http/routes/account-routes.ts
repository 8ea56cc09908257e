import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app/deps.js';
import { reloadApiKey } from '../../app/manage-keys.js';
import { usageReport } from '../../app/usage.js';
import { requireKey, type AuthDeps } from '../auth.js';
import { api } from '../openapi/api-catalogue.js';
import { presentUsage, toUsageQuery } from '../present-usage.js';
import { parseInput } from '../query-schemas.js';
import { presentKey } from './admin-key-routes.js';

/** What a key may see of itself: its settings, balance, webhook secret and its own ledger. */
export function registerAccountRoutes(app: FastifyInstance, deps: AuthDeps & Pick<AppDeps, 'keys' | 'ledger' | 'prices'>): void {
  app.get(api.getOwnKey.url, async (request) => {
    const key = await reloadApiKey(deps, await requireKey(deps, request, 'user'));
    return { code: 200, data: { ...presentKey(key, deps.prices), webhook_secret: key.webhookSecret } };
  });

  app.get(api.getOwnUsage.url, async (request) => {
    const key = await requireKey(deps, request, 'user');
    const q = parseInput(api.getOwnUsage.request.query, request.query);
    const report = await usageReport(deps, { ...toUsageQuery(q), keyId: key.id });
    return { code: 200, data: presentUsage(report, deps.prices) };
  });
}
