/** The options of the shared per-account poller (account-poller.ts) and what it keeps of each task. */
import type { Clock } from '../../../domain/ports.js';
import type { SweepTarget } from './list-sweeper.js';
import type { ListParams, UpstreamListPage, UpstreamStatus, UpstreamTaskView } from './upstream-task.js';

export interface PollerClient {
  query(taskId: string): Promise<UpstreamTaskView>;
  list(params: ListParams): Promise<UpstreamListPage>;
}

export interface PollerOptions {
  /** Without `list` (an upstream that has none), tasks are followed by single queries only. */
  client: Pick<PollerClient, 'query'> & Partial<Pick<PollerClient, 'list'>>;
  budgetPerSecond: number;
  clock: Clock;
  /** Least time between two sweeps. Default 1000. */
  sweepIntervalMs?: number;
  /** Below this many running tasks, single queries beat list sweeps. Default 8. */
  sweepMinTasks?: number;
  /** A task is queried on its own at most this often when few are tracked. Default 1000. */
  recheckMs?: number;
  /** ... and when many are (sweeps find the ended ones). Default 15000. */
  idleRecheckMs?: number;
  /** Margin for the upstream's clock around our own creation times. Default 10000. */
  clockSkewMs?: number;
  /** Calls out at once. Default the budget (at least 8): the call window bounds them too. */
  maxInFlight?: number;
  /** A task nobody has waited for this long is dropped (its worker is gone). Default 120000. */
  forgetAfterMs?: number;
  onError?: (err: unknown, what: string) => void;
  /** Told when new work arrives (a task to follow, a request), for a caller that steps the poller itself. */
  onWork?: () => void;
}

/** What the poller knows of one upstream task. */
export interface TaskNews {
  status: UpstreamStatus | 'UNSEEN';
  /** The last detail query's answer; set before a terminal status is reported. */
  view: UpstreamTaskView | null;
  scheduledAtMs?: number;
}

/** What the poller keeps of one tracked task. */
export interface Tracked extends TaskNews, SweepTarget {
  id: string;
  createdAtMs: number;
  createdExact: boolean;
  lastCheckedMs: number;
  /** After a failed query: not before this. */
  notBeforeMs: number;
  failures: number;
  busy: boolean;
  waiters: Set<() => void>;
  lastInterestMs: number;
}
