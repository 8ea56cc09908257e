import type { TaskOutcome } from '../domain/ports.js';
import type { Task } from '../domain/task.js';
import type { AppDeps } from './deps.js';

export type TaskMetricsDeps = Pick<AppDeps, 'metrics' | 'billing' | 'prices'>;

/** A task's first claim: the time it spent queued. */
export function recordTaskStart(deps: Pick<AppDeps, 'metrics'>, task: Task): void {
  if (task.attempts === 1 && task.startedAtMs !== null) deps.metrics.taskStarted(task.engine, task.mode, task.startedAtMs - task.createdAtMs);
}

/**
 * A task that just reached a terminal status (the caller won the compare-and-set): its timings, and
 * the money its hold settled (the quote was held; completion captures the cost, at most the hold).
 */
export function recordTaskEnd(deps: TaskMetricsDeps, task: Task, outcome: TaskOutcome, endedAtMs: number, costMinor: number): void {
  const runMs = task.startedAtMs === null ? null : endedAtMs - task.startedAtMs;
  deps.metrics.taskEnded(task.engine, task.mode, outcome, runMs, endedAtMs - task.createdAtMs);
  if (!deps.billing) return;
  const captured = Math.min(costMinor, task.quoteMinor);
  deps.metrics.ledgerMovement('captured', deps.prices.currency, captured);
  deps.metrics.ledgerMovement('released', deps.prices.currency, task.quoteMinor - captured);
}
