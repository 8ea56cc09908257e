import { newId } from './ids.js';
import type { WebhookDelivery } from './ports.js';

/** A delivery of a task's terminal event, due at once: the outbox row a terminal transition (or a redelivery) writes. */
export function pendingDelivery(of: { taskId: string; keyId: string; url: string; eventType: string }, nowMs: number): WebhookDelivery {
  return {
    id: newId('whd', nowMs),
    ...of,
    status: 'pending',
    attempts: 0,
    nextAttemptAtMs: nowMs,
    lastStatusCode: null,
    lastError: null,
    createdAtMs: nowMs,
    deliveredAtMs: null,
  };
}
