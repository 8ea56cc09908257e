import { AppError } from '../domain/errors.js';
import type { Task } from '../domain/task.js';
import type { AppDeps } from './deps.js';
import { findOwnTask } from './get-task.js';
import { recordTaskEnd, type TaskMetricsDeps } from './task-metrics.js';

export type CancelTaskDeps = Pick<AppDeps, 'tasks' | 'clock' | 'engines' | 'events'> & TaskMetricsDeps;

/**
 * Cancels a task: a queued one at once; a local render is stopped (its worker sees the cancel); an
 * upstream task only when the upstream accepts the cancel. The hold is released by the same
 * compare-and-set, so a cancel racing a completion settles exactly once: one of them wins.
 */
export async function cancelTask(deps: CancelTaskDeps, input: { keyId: string; taskId: string }): Promise<Task> {
  let current = await findOwnTask(deps, input.keyId, input.taskId);
  const nowMs = deps.clock.nowMs();
  // Each failed compare-and-set means the task moved on: read it again; otherwise what we read stands.
  if (current.status === 'pending') {
    if (await deps.tasks.cancelTask(current.id, ['pending'], nowMs)) return cancelled(deps, current.id);
    current = (await deps.tasks.getTask(current.id))!;
  }
  if (current.status === 'processing') {
    const engine = deps.engines.get(current.engine);
    if (current.engineState && engine && !engine.needsLocalInputs) {
      const outcome = await engine.cancel(current.engineState);
      if (outcome === 'not_cancellable') {
        throw new AppError('conflict', 'The upstream has already started this task and does not allow cancelling it now', {
          reason: 'not_cancellable',
        });
      }
    }
    if (await deps.tasks.cancelTask(current.id, ['processing'], nowMs)) return cancelled(deps, current.id);
    current = (await deps.tasks.getTask(current.id))!;
  }
  if (current.status === 'cancelled') return current;
  throw new AppError('conflict', `The task is already ${current.status}`, { reason: 'task_already_finished' });
}

async function cancelled(deps: Pick<AppDeps, 'tasks' | 'events'> & TaskMetricsDeps, taskId: string): Promise<Task> {
  const task = (await deps.tasks.getTask(taskId))!;
  deps.events.publish({ taskId, status: 'cancelled', progress: task.progress });
  recordTaskEnd(deps, task, 'cancelled', task.completedAtMs ?? task.updatedAtMs, 0);
  return task;
}
