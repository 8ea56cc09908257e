import { AppError } from '../domain/errors.js';
import type { WebhookDelivery } from '../domain/ports.js';
import { isTerminal, type Task } from '../domain/task.js';
import { pendingDelivery } from '../domain/webhook-delivery.js';
import type { AppDeps } from './deps.js';
import { findOwnTask } from './get-task.js';

/** The webhook deliveries of one of the key's own tasks, oldest first. */
export async function listTaskWebhooks(deps: Pick<AppDeps, 'tasks' | 'webhooks'>, input: { keyId: string; taskId: string }): Promise<{ task: Task; deliveries: WebhookDelivery[] }> {
  const task = await findOwnTask(deps, input.keyId, input.taskId);
  return { task, deliveries: await deps.webhooks.listDeliveries(task.id) };
}

/**
 * Queues a new delivery of the task's terminal event to its callback URL, due now. It is a new
 * delivery (its own webhook-id and attempts); the body is rendered from the task when it is sent.
 * At most one redelivery is pending per task: a repeat while it is answers with that one, so a key
 * cannot make the gateway send an unbounded number of POSTs to a URL of its choice.
 */
export async function redeliverWebhook(deps: Pick<AppDeps, 'tasks' | 'webhooks' | 'clock'>, input: { keyId: string; taskId: string }): Promise<WebhookDelivery> {
  const task = await findOwnTask(deps, input.keyId, input.taskId);
  if (!isTerminal(task.status)) {
    throw new AppError('conflict', `The task is ${task.status}; its webhook is sent when it ends`, { reason: 'task_not_finished' });
  }
  if (task.callbackUrl === null) {
    throw new AppError('conflict', 'The task has no callback URL (neither callback_url nor a default webhook_url on its key)', {
      reason: 'no_callback_url',
    });
  }
  const delivery = pendingDelivery({ taskId: task.id, keyId: task.keyId, url: task.callbackUrl, eventType: `task.${task.status}` }, deps.clock.nowMs());
  return deps.webhooks.enqueueDelivery(delivery);
}
