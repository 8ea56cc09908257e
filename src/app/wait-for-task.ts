import { isTerminal, type Task } from '../domain/task.js';
import { findOwnTask } from './get-task.js';
import { watchTask, type WatchTaskDeps } from './watch-task.js';

export type WaitForTaskDeps = WatchTaskDeps;

export interface WaitInput {
  keyId: string;
  taskId: string;
  /** Longest wait; the task as it then is comes back (Prefer: wait=N). */
  timeoutMs: number;
  /** Ends the wait early (the client went away, the server is closing). */
  signal?: AbortSignal;
}

/**
 * Waits until one of the key's own tasks ends, at most timeoutMs, and returns it as the store then has
 * it. A change in this process ends the wait at once; another process's change within one store poll.
 */
export async function waitForTask(deps: WaitForTaskDeps, input: WaitInput): Promise<Task> {
  const task = await findOwnTask(deps, input.keyId, input.taskId);
  if (isTerminal(task.status) || input.timeoutMs <= 0 || input.signal?.aborted) return task;
  await new Promise<void>((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      watch.stop();
      input.signal?.removeEventListener('abort', finish);
      resolve();
    };
    const timer = setTimeout(finish, input.timeoutMs);
    const watch = watchTask(deps, task, (t) => {
      if (isTerminal(t.status)) finish();
    });
    input.signal?.addEventListener('abort', finish, { once: true });
  });
  return (await deps.tasks.getTask(task.id)) ?? task;
}
