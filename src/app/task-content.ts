import { AppError } from '../domain/errors.js';
import type { Task } from '../domain/task.js';
import type { AppDeps } from './deps.js';
import { findOwnTask } from './get-task.js';

/** The error for a result that retention deleted: the task is still there, its video is not. */
export function resultExpired(task: Task): AppError {
  return new AppError('gone', `The result of task '${task.id}' was deleted after the retention period`, {
    param: 'task_id',
    reason: 'result_expired',
  });
}

/**
 * The stored MP4 of one of the caller's tasks. Another key's task is a 404 like an unknown id; a task
 * without a result yet (or ever) is a 404 saying why; a result deleted by retention is 410 result_expired.
 */
export async function taskContent(deps: Pick<AppDeps, 'tasks'>, input: { keyId: string; taskId: string }): Promise<{ task: Task; blobKey: string }> {
  const task = await findOwnTask(deps, input.keyId, input.taskId);
  if (task.status !== 'completed' || !task.result) {
    const finished = task.status === 'failed' || task.status === 'cancelled';
    throw new AppError('not_found', finished ? `Task '${task.id}' is ${task.status}: it has no result` : `Task '${task.id}' is ${task.status}: its result is not ready yet`, {
      param: 'task_id',
      reason: finished ? 'no_result' : 'result_not_ready',
    });
  }
  // A blob gone from disk without the mark is found by the sender, which answers resultExpired too.
  if (task.resultExpiredAtMs !== null) throw resultExpired(task);
  return { task, blobKey: task.result.blobKey };
}
