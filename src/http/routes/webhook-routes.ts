import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app/deps.js';
import { listTaskWebhooks, redeliverWebhook } from '../../app/task-webhooks.js';
import type { WebhookDelivery } from '../../domain/ports.js';
import { requireKey, type AuthDeps } from '../auth.js';
import { api } from '../openapi/api-catalogue.js';
import type { TaskParams } from '../openapi/request-schemas.js';
import type { WebhookDeliveryJson } from '../../present/response-schemas.js';

const seconds = (ms: number | null) => (ms === null ? null : Math.floor(ms / 1000));

export function presentDelivery(d: WebhookDelivery): WebhookDeliveryJson {
  return {
    id: d.id,
    event: d.eventType,
    url: d.url,
    status: d.status,
    attempts: d.attempts,
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    created: Math.floor(d.createdAtMs / 1000),
    next_attempt_at: d.status === 'pending' ? seconds(d.nextAttemptAtMs) : null,
    delivered: seconds(d.deliveredAtMs),
  };
}

/** A task's webhook deliveries and redelivery; a key sees only its own tasks (another's is a 404). */
export function registerWebhookRoutes(app: FastifyInstance, deps: AuthDeps & Pick<AppDeps, 'tasks' | 'webhooks' | 'clock'>): void {
  app.get<{ Params: TaskParams }>(api.listTaskWebhooks.url, async (request) => {
    const key = await requireKey(deps, request, 'user');
    const { task, deliveries } = await listTaskWebhooks(deps, { keyId: key.id, taskId: request.params.taskId });
    return { code: 200, data: { task_id: task.id, callback_url: task.callbackUrl, deliveries: deliveries.map(presentDelivery) } };
  });

  app.post<{ Params: TaskParams }>(api.redeliverTaskWebhook.url, async (request, reply) => {
    const key = await requireKey(deps, request, 'user');
    const delivery = await redeliverWebhook(deps, { keyId: key.id, taskId: request.params.taskId });
    reply.code(202);
    return { code: 202, data: presentDelivery(delivery) };
  });
}
