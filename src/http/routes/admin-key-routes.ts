import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { createApiKey } from '../../app/api-keys.js';
import type { AppDeps } from '../../app/deps.js';
import { creditApiKey, getApiKey, listApiKeys, revokeApiKey, updateApiKey } from '../../app/manage-keys.js';
import { usageReport } from '../../app/usage.js';
import type { ApiKey } from '../../domain/account.js';
import { invalidField } from '../../domain/errors.js';
import { toMajor, type PriceTable } from '../../domain/pricing.js';
import { requireKey, type AuthDeps } from '../auth.js';
import { api } from '../openapi/api-catalogue.js';
import type { KeyParams, keyLimitsSchema } from '../openapi/request-schemas.js';
import type { KeyJson } from '../../present/response-schemas.js';
import { presentUsage, toUsageQuery } from '../present-usage.js';
import { parseInput } from '../query-schemas.js';

/** Major units to integer minor units; refuses amounts finer than one minor unit. */
export function toMinor(prices: PriceTable, amount: number, param: string): number {
  const minor = Math.round(amount * prices.minorPerMajor);
  if (Math.abs(minor - amount * prices.minorPerMajor) > 1e-6) {
    throw invalidField(param, 'too_precise', `${param}: at most ${Math.log10(prices.minorPerMajor)} decimal places`);
  }
  return minor;
}

const limitsFrom = (l: z.infer<typeof keyLimitsSchema> | undefined) => ({
  ...(l?.requests_per_minute !== undefined && { requestsPerMinute: l.requests_per_minute }),
  ...(l?.max_running !== undefined && { maxRunning: l.max_running }),
  ...(l?.max_queued !== undefined && { maxQueued: l.max_queued }),
});

export function presentKey(k: ApiKey, prices: PriceTable): KeyJson {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    created: Math.floor(k.createdAtMs / 1000),
    expires_at: k.expiresAtMs === null ? null : Math.floor(k.expiresAtMs / 1000),
    revoked: k.revokedAtMs !== null,
    unlimited: k.balanceMinor === null,
    balance: k.balanceMinor === null ? null : toMajor(prices, k.balanceMinor),
    currency: prices.currency,
    limits: { requests_per_minute: k.limits.requestsPerMinute, max_running: k.limits.maxRunning, max_queued: k.limits.maxQueued },
    webhook_url: k.webhookUrl,
  };
}

/** Admin-only: keys, balances and everyone's usage. A user key gets 403 on all of these. */
export function registerAdminKeyRoutes(app: FastifyInstance, deps: AuthDeps & Pick<AppDeps, 'keys' | 'ledger' | 'clock' | 'prices'>): void {
  const show = (k: ApiKey) => presentKey(k, deps.prices);

  app.post(api.createKey.url, async (request) => {
    await requireKey(deps, request, 'admin');
    const body = parseInput(api.createKey.request.body.content['application/json'], request.body);
    const { key, secret } = await createApiKey(deps, {
      name: body.name,
      scopes: body.scopes,
      expiresAtMs: body.expires_at === undefined ? null : body.expires_at * 1000,
      balanceMinor: body.balance === undefined ? null : toMinor(deps.prices, body.balance, 'balance'),
      limits: limitsFrom(body.limits),
      webhookUrl: body.webhook_url ?? null,
    });
    // The only time the secret and the webhook signing secret are shown together.
    return { code: 200, data: { ...show(key), key: secret, webhook_secret: key.webhookSecret } };
  });

  app.get(api.listKeys.url, async (request) => {
    await requireKey(deps, request, 'admin');
    return { code: 200, data: (await listApiKeys(deps)).map(show) };
  });

  app.get<{ Params: KeyParams }>(api.getKey.url, async (request) => {
    await requireKey(deps, request, 'admin');
    return { code: 200, data: show(await getApiKey(deps, request.params.keyId)) };
  });

  app.patch<{ Params: KeyParams }>(api.updateKey.url, async (request) => {
    await requireKey(deps, request, 'admin');
    const body = parseInput(api.updateKey.request.body.content['application/json'], request.body);
    const key = await updateApiKey(deps, request.params.keyId, {
      ...(body.name !== undefined && { name: body.name }),
      ...(body.scopes !== undefined && { scopes: body.scopes }),
      ...(body.expires_at !== undefined && { expiresAtMs: body.expires_at === null ? null : body.expires_at * 1000 }),
      ...(body.limits !== undefined && { limits: limitsFrom(body.limits) }),
      ...(body.webhook_url !== undefined && { webhookUrl: body.webhook_url }),
      ...(body.unlimited !== undefined && { unlimited: body.unlimited }),
    });
    return { code: 200, data: show(key) };
  });

  const revoke = async (keyId: string) => ({ code: 200, data: show(await revokeApiKey(deps, keyId)) });
  app.post<{ Params: KeyParams }>(api.revokeKey.url, async (request) => {
    await requireKey(deps, request, 'admin');
    return revoke(request.params.keyId);
  });
  app.delete<{ Params: KeyParams }>(api.deleteKey.url, async (request) => {
    await requireKey(deps, request, 'admin');
    return revoke(request.params.keyId);
  });

  app.post<{ Params: KeyParams }>(api.creditKey.url, async (request) => {
    await requireKey(deps, request, 'admin');
    const body = parseInput(api.creditKey.request.body.content['application/json'], request.body);
    const key = await creditApiKey(deps, request.params.keyId, { amountMinor: toMinor(deps.prices, body.amount, 'amount'), note: body.note });
    return { code: 200, data: show(key) };
  });

  app.get(api.getUsage.url, async (request) => {
    await requireKey(deps, request, 'admin');
    const q = parseInput(api.getUsage.request.query, request.query);
    const report = await usageReport(deps, { ...toUsageQuery(q), ...(q.key_id !== undefined && { keyId: q.key_id }) });
    return { code: 200, data: presentUsage(report, deps.prices) };
  });
}
