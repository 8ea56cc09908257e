import { AppError } from '../domain/errors.js';
import type { Task } from '../domain/task.js';
import type { AppDeps } from './deps.js';

export interface TaskDetails {
  task: Task;
  queuePosition: number | null;
  /** Signed result URL and its expiry, when completed and the file is still kept. */
  resultUrl: { url: string; expiresAtMs: number } | null;
}

/** A key sees only its own tasks: another key's id answers exactly like an unknown id. */
export async function findOwnTask(deps: AppDeps, keyId: string, taskId: string): Promise<Task> {
  const task = await deps.tasks.getTask(taskId);
  if (!task || task.keyId !== keyId) {
    throw new AppError('not_found', `No task with id '${taskId}'`, { param: 'task_id', reason: 'task_not_found' });
  }
  return task;
}

export async function describeTask(deps: AppDeps, task: Task): Promise<TaskDetails> {
  const queuePosition = task.status === 'pending' ? await deps.tasks.queuePosition(task.id) : null;
  let resultUrl: TaskDetails['resultUrl'] = null;
  if (task.status === 'completed' && task.result && task.resultExpiredAtMs === null) {
    // The expiry is rounded to the TTL window so repeated polls return the same URL (cache friendly),
    // and never outlives the file's retention.
    const ttl = deps.resultUrlTtlMs;
    const windowed = (Math.floor(deps.clock.nowMs() / ttl) + 2) * ttl;
    const expiresAtMs = Math.min(windowed, (task.completedAtMs ?? 0) + deps.retention.resultsMs);
    resultUrl = { url: deps.signer.signedUrl(task.result.blobKey, expiresAtMs), expiresAtMs };
  }
  return { task, queuePosition, resultUrl };
}

export async function getTask(deps: AppDeps, input: { keyId: string; taskId: string }): Promise<TaskDetails> {
  return describeTask(deps, await findOwnTask(deps, input.keyId, input.taskId));
}
