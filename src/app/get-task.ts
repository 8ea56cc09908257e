import { clipEcho } from '../domain/clip-echo.js';
import { AppError } from '../domain/errors.js';
import type { WebhookDelivery } from '../domain/ports.js';
import { roundResultUrlExpiry } from '../domain/result-url-expiry.js';
import { isTerminal, type Task } from '../domain/task.js';
import type { AppDeps } from './deps.js';

export interface TaskDetails {
  task: Task;
  queuePosition: number | null;
  /** Signed result URL and its expiry, when completed and the file is still kept. */
  resultUrl: { url: string; expiresAtMs: number } | null;
  /** The latest webhook delivery of the task (GET /v1/tasks/{id} only); null when there is none. */
  webhook?: WebhookSummary | null;
}

export interface WebhookSummary {
  status: WebhookDelivery['status'];
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  /** Deliveries of this task so far (redeliveries included). */
  deliveries: number;
}

/** What describing a task reads: the queue snapshot, and the signer and retention for its result URL. */
export type DescribeTaskDeps = Pick<AppDeps, 'queuePositions' | 'signer' | 'clock' | 'resultUrlTtlMs' | 'retention'>;

export type TaskDetailsDeps = DescribeTaskDeps & Pick<AppDeps, 'webhooks'>;

/** A key sees only its own tasks: another key's id answers exactly like an unknown id. */
export async function findOwnTask(deps: Pick<AppDeps, 'tasks'>, keyId: string, taskId: string): Promise<Task> {
  const task = await deps.tasks.getTask(taskId);
  if (!task || task.keyId !== keyId) {
    throw new AppError('not_found', `No task with id '${clipEcho(taskId)}'`, { param: 'task_id', reason: 'task_not_found' });
  }
  return task;
}

export async function describeTask(deps: DescribeTaskDeps, task: Task): Promise<TaskDetails> {
  const queuePosition = task.status === 'pending' ? await deps.queuePositions.positionOf(task) : null;
  let resultUrl: TaskDetails['resultUrl'] = null;
  if (task.status === 'completed' && task.result && task.resultExpiredAtMs === null) {
    // Rounded so repeated polls return the same URL (cache friendly); never outlives the file's retention.
    const rounded = roundResultUrlExpiry(deps.clock.nowMs(), deps.resultUrlTtlMs);
    const expiresAtMs = Math.min(rounded, (task.completedAtMs ?? 0) + deps.retention.resultsMs);
    resultUrl = { url: deps.signer.signedUrl(task.result.blobKey, expiresAtMs), expiresAtMs };
  }
  return { task, queuePosition, resultUrl };
}

/** What GET /v1/tasks/{id} shows of a task the caller has read (and found to be the key's own). */
export async function taskDetails(deps: TaskDetailsDeps, task: Task): Promise<TaskDetails> {
  return { ...(await describeTask(deps, task)), webhook: await webhookSummary(deps, task) };
}

async function webhookSummary(deps: Pick<AppDeps, 'webhooks'>, task: Task): Promise<WebhookSummary | null> {
  // Deliveries are written by the terminal transition (or a redelivery of it): none before.
  if (task.callbackUrl === null || !isTerminal(task.status)) return null;
  const deliveries = await deps.webhooks.listDeliveries(task.id);
  const last = deliveries[deliveries.length - 1];
  if (!last) return null;
  return { status: last.status, attempts: last.attempts, lastStatusCode: last.lastStatusCode, lastError: last.lastError, deliveries: deliveries.length };
}
