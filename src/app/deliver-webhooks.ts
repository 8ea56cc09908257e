import type { WebhookDelivery } from '../domain/ports.js';
import type { AppDeps } from './deps.js';
import { describeTask, type DescribeTaskDeps, type TaskDetails } from './get-task.js';
import { webhookHeaders } from './webhook-signature.js';

/** Renders a task exactly as GET /v1/tasks/{id} shows it as `data` (present/ owns the shape). */
export type TaskRenderer = (details: TaskDetails) => object;

/** The body of every webhook (Standard Webhooks payload structure). */
export interface WebhookBody {
  type: string;
  /** When the event happened (ISO 8601), not when this attempt was sent. */
  timestamp: string;
  data: object;
}

export interface DeliverOptions {
  /** Most deliveries sent by one step (they go out in parallel). */
  batch?: number;
}

export type DeliverWebhooksDeps = DescribeTaskDeps &
  Pick<AppDeps, 'tasks' | 'keys' | 'webhooks' | 'webhookSender' | 'clock' | 'log' | 'notifications' | 'metrics'>;

/** A Retry-After the receiver asks for is honoured up to this. */
const maxRetryAfterMs = 24 * 3600 * 1000;

type Outcome = { ok: boolean; statusCode: number | null; error: string | null; permanent: boolean; retryAfterMs?: number };

/**
 * One step of the webhook outbox: claims the due deliveries with a lease (so two workers never send
 * the same attempt), renders each body from the task's current state, signs it with the key's secret
 * and POSTs it through the SSRF guard (no redirects). A 2xx is delivered; anything else is retried on
 * the configured schedule and given up after its last delay. Returns how many deliveries it attempted.
 */
export async function deliverWebhooks(deps: DeliverWebhooksDeps, workerId: string, render: TaskRenderer, opts: DeliverOptions = {}): Promise<number> {
  // The lease outlives one attempt (its timeout covers everything up to the status line).
  const leaseMs = deps.notifications.webhookTimeoutMs * 2 + 30_000;
  const due = await deps.webhooks.claimDueDeliveries(workerId, deps.clock.nowMs(), leaseMs, opts.batch ?? 10);
  await Promise.all(due.map((d) => deliverOne(deps, workerId, render, d)));
  return due.length;
}

async function deliverOne(deps: DeliverWebhooksDeps, workerId: string, render: TaskRenderer, d: WebhookDelivery): Promise<void> {
  let outcome: Outcome;
  try {
    outcome = await attempt(deps, render, d);
  } catch (err) {
    // A bug or a store outage while preparing: count it as a failed attempt, retried on schedule.
    outcome = { ok: false, statusCode: null, error: `could not send: ${String(err)}`, permanent: false };
  }
  const nowMs = deps.clock.nowMs();
  const nextAttemptAtMs = outcome.ok || outcome.permanent ? null : nextAttemptAt(deps, d.attempts + 1, nowMs, outcome.retryAfterMs);
  await deps.webhooks.recordAttempt(d.id, workerId, { ok: outcome.ok, statusCode: outcome.statusCode, error: outcome.error, nextAttemptAtMs }, nowMs);
  const log = { deliveryId: d.id, taskId: d.taskId, attempt: d.attempts + 1, statusCode: outcome.statusCode, error: outcome.error };
  deps.metrics.webhookDelivery(outcome.ok ? 'delivered' : nextAttemptAtMs === null ? 'given_up' : 'retrying');
  if (outcome.ok) deps.log.info(log, 'webhook delivered');
  else if (nextAttemptAtMs === null) deps.log.warn(log, 'webhook delivery given up');
  else deps.log.info({ ...log, nextAttemptAtMs }, 'webhook attempt failed; will retry');
}

/** When the next attempt is due after `attemptsMade` failures, or null when the schedule is spent. */
export function nextAttemptAt(deps: Pick<AppDeps, 'notifications'>, attemptsMade: number, nowMs: number, retryAfterMs?: number): number | null {
  const delays = deps.notifications.webhookRetryDelaysMs;
  const delay = delays[attemptsMade - 1];
  if (delay === undefined) return null;
  return nowMs + Math.max(delay, Math.min(retryAfterMs ?? 0, maxRetryAfterMs));
}

async function attempt(deps: DeliverWebhooksDeps, render: TaskRenderer, d: WebhookDelivery): Promise<Outcome> {
  const [task, key] = await Promise.all([deps.tasks.getTask(d.taskId), deps.keys.getKey(d.keyId)]);
  if (!task || !key) return { ok: false, statusCode: null, error: 'the task or its key no longer exists', permanent: true };
  const body: WebhookBody = {
    type: d.eventType,
    timestamp: new Date(task.completedAtMs ?? task.updatedAtMs).toISOString(),
    data: render(await describeTask(deps, task)),
  };
  const json = JSON.stringify(body);
  const timestampSeconds = Math.floor(deps.clock.nowMs() / 1000);
  const headers = { 'content-type': 'application/json', 'user-agent': 'wangate-webhooks/1', ...webhookHeaders(key.webhookSecret, d.id, timestampSeconds, json) };
  const sent = await deps.webhookSender.post(d.url, headers, json);
  switch (sent.kind) {
    case 'refused':
      // An address the SSRF guard refuses does not become acceptable by retrying: give up at once.
      return { ok: false, statusCode: null, error: `refused by the SSRF guard: ${sent.message}`, permanent: true };
    case 'failed':
      return { ok: false, statusCode: null, error: sent.message, permanent: false };
    case 'answered': {
      if (sent.status >= 200 && sent.status < 300) return { ok: true, statusCode: sent.status, error: null, permanent: false };
      const retryAfter = retryAfterMs(sent.retryAfter, deps.clock.nowMs());
      return {
        ok: false,
        statusCode: sent.status,
        error: `the endpoint answered HTTP ${sent.status}`,
        // 410 Gone: the receiver asks not to be sent this any more.
        permanent: sent.status === 410,
        ...(retryAfter !== undefined && { retryAfterMs: retryAfter }),
      };
    }
  }
}

function retryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
