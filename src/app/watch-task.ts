import type { TaskEvent } from '../domain/ports.js';
import { isTerminal, type Task } from '../domain/task.js';
import type { AppDeps } from './deps.js';

export type WatchTaskDeps = Pick<AppDeps, 'tasks' | 'events' | 'log' | 'notifications'>;

export interface TaskWatch {
  /** Unsubscribes and stops polling; safe to call more than once. */
  stop(): void;
}

let openWatches = 0;

/** Watches not yet stopped in this process (a leak shows here: event streams, Prefer: wait). */
export function countOpenWatches(): number {
  return openWatches;
}

/**
 * Calls onChange with the task each time its status or progress changes, starting from `initial`.
 * This process's changes arrive at once through deps.events; another process's are found by reading
 * the store every taskWatchPollMs. Progress never goes back within a status (in-process progress runs
 * ahead of the store, which hears of it at the next heartbeat). The caller stops the watch; after a
 * terminal status nothing more is reported.
 */
export function watchTask(deps: WatchTaskDeps, initial: Task, onChange: (task: Task) => void): TaskWatch {
  if (isTerminal(initial.status)) return { stop: () => undefined };
  let last = initial;
  let active = true;
  openWatches++;
  // Reads are chained so changes are reported in order.
  let chain: Promise<void> = Promise.resolve();

  const report = (next: Task) => {
    if (!active) return;
    const sameStatus = next.status === last.status;
    const progress = sameStatus ? Math.max(next.progress, last.progress) : next.progress;
    if (sameStatus && progress === last.progress) return;
    last = { ...next, progress };
    if (isTerminal(last.status)) stop();
    onChange(last);
  };

  const readStore = (hint?: TaskEvent) => {
    chain = chain
      .then(async () => {
        if (!active) return;
        const task = await deps.tasks.getTask(initial.id);
        if (!task) return;
        report(hint && hint.status === task.status ? { ...task, progress: Math.max(task.progress, hint.progress) } : task);
      })
      .catch((err: unknown) => deps.log.warn({ taskId: initial.id, err: String(err) }, 'task watch could not read the store'));
  };

  const unsubscribe = deps.events.subscribe(initial.id, (event) => {
    // Progress within the known status needs no read; anything else is confirmed from the store.
    if (event.status === last.status && !isTerminal(event.status)) {
      chain = chain.then(() => report({ ...last, progress: event.progress }));
    } else readStore(event);
  });
  const poll = setInterval(() => readStore(), deps.notifications.taskWatchPollMs);

  function stop(): void {
    if (!active) return;
    active = false;
    clearInterval(poll);
    unsubscribe();
    openWatches--;
  }
  // The task may have changed between the caller's read and the subscription.
  readStore();
  return { stop };
}
