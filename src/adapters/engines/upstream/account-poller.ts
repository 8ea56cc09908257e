/**
 * One shared poller per upstream account: every query and list call of the account goes through one
 * token bucket (token-bucket.ts), so a thousand in-flight tasks never push it over its budget.
 *
 * What a token is spent on, in order:
 * 1. explicit requests (reconciling a create of unknown outcome, refreshing a dead result URL);
 * 2. the details of tasks a list showed as ended (the list has no video URL, usage or error message);
 * 3. the pages of a sweep (list-sweeper.ts), at most once a second when enough tasks are tracked to make
 *    list pages cheaper than single queries; a task a sweep suspects of having ended is reported only
 *    once its detail is in hand;
 * 4. single queries of the longest-unchecked tasks (when few are tracked, each about once a second;
 *    otherwise the leftover budget, which also catches UNKNOWN: expired tasks never show in the list).
 * engine.poll() waits here for news of its task (waitForChange), it never queries by itself.
 *
 * `step()` takes one decision and runs it: tests drive it with a fake clock; `start()` runs it in a loop
 * (budget-loop.ts).
 */
import type { Clock } from '../../../domain/ports.js';
import { BudgetLoop, type IdleReason } from './budget-loop.js';
import { ListSweeper, type SweepTarget } from './list-sweeper.js';
import { TokenBucket } from './token-bucket.js';
import { UpstreamCallError } from './upstream-call-error.js';
import { isOpenUpstream, isTerminalUpstream, type ListParams, type UpstreamListPage, type UpstreamStatus, type UpstreamTaskView } from './upstream-task.js';

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

interface Tracked extends TaskNews, SweepTarget {
  id: string;
  createdAtMs: number;
  createdExact: boolean;
  lastCheckedMs: number;
  needsDetail: boolean;
  /** After a failed query: not before this. */
  notBeforeMs: number;
  failures: number;
  busy: boolean;
  waiters: Set<() => void>;
  lastInterestMs: number;
}

interface Explicit {
  run: () => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export type PollerAction = 'explicit' | 'detail' | 'sweep' | 'check';

export class AccountPoller {
  private readonly bucket: TokenBucket;
  private readonly tracked = new Map<string, Tracked>();
  private readonly explicit: Explicit[] = [];
  private readonly sweeper: ListSweeper | null;
  private readonly runner: BudgetLoop<PollerAction>;
  private readonly o: Required<Omit<PollerOptions, 'onError' | 'onWork'>> & Pick<PollerOptions, 'onError' | 'onWork'>;

  constructor(opts: PollerOptions) {
    this.o = {
      sweepIntervalMs: 1000,
      sweepMinTasks: 8,
      recheckMs: 1000,
      idleRecheckMs: 15_000,
      clockSkewMs: 10_000,
      maxInFlight: 8,
      forgetAfterMs: 120_000,
      ...opts,
    };
    this.bucket = new TokenBucket(opts.budgetPerSecond, opts.clock.nowMs());
    const list = this.o.client.list?.bind(this.o.client);
    this.sweeper = list
      ? new ListSweeper({
          client: { list },
          tracked: this.tracked,
          intervalMs: this.o.sweepIntervalMs,
          minTasks: this.o.sweepMinTasks,
          clockSkewMs: this.o.clockSkewMs,
          onError: (err, what) => this.noteFailedCall(err, what),
        })
      : null;
    this.runner = new BudgetLoop<PollerAction>({
      bucket: this.bucket,
      clock: this.o.clock,
      maxInFlight: this.o.maxInFlight,
      pick: (now) => this.pick(now),
      ...(this.o.onWork && { onKick: this.o.onWork }),
    });
  }

  /** Starts following an upstream task (idempotent). createdAtMs: our clock, just before the create. */
  track(id: string, createdAtMs: number): void {
    const now = this.o.clock.nowMs();
    const t = this.tracked.get(id);
    if (t) {
      t.lastInterestMs = now;
      return;
    }
    this.tracked.set(id, {
      id,
      createdAtMs,
      createdExact: false,
      status: 'UNSEEN',
      view: null,
      // Its first single query waits like any other: a sweep usually finds it first.
      lastCheckedMs: now,
      needsDetail: false,
      notBeforeMs: 0,
      failures: 0,
      busy: false,
      waiters: new Set(),
      lastInterestMs: now,
    });
    this.kick();
  }

  untrack(id: string): void {
    const t = this.tracked.get(id);
    if (!t) return;
    this.tracked.delete(id);
    for (const w of t.waiters) w();
  }

  news(id: string): TaskNews | undefined {
    const t = this.tracked.get(id);
    return t && { status: t.status, view: t.view, ...(t.scheduledAtMs !== undefined && { scheduledAtMs: t.scheduledAtMs }) };
  }

  /**
   * Resolves when the task's status is seen to differ from `known` (terminal ones carry their detail), on
   * any news when `known` is current, after timeoutMs, or on abort. Never queries by itself.
   */
  waitForChange(id: string, known: TaskNews['status'], timeoutMs: number, signal?: AbortSignal): Promise<TaskNews | undefined> {
    const t = this.tracked.get(id);
    if (!t) return Promise.resolve(undefined);
    t.lastInterestMs = this.o.clock.nowMs();
    if ((t.status !== 'UNSEEN' && t.status !== known) || signal?.aborted) return Promise.resolve(this.news(id));
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        t.waiters.delete(done);
        t.lastInterestMs = this.o.clock.nowMs();
        resolve(this.news(id));
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref?.();
      signal?.addEventListener('abort', done, { once: true });
      t.waiters.add(done);
    });
  }

  /** Runs a call under the budget, ahead of the background work. */
  request<T>(run: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.explicit.push({ run, resolve: resolve as (v: unknown) => void, reject });
      this.kick();
    });
  }

  /** One detail query now, under the budget, ahead of the background work (e.g. a fresh signed URL). */
  queryNow(id: string): Promise<UpstreamTaskView> {
    return this.request(() => this.o.client.query(id));
  }

  // ---------- scheduling ----------

  private unfinished(): Tracked[] {
    return [...this.tracked.values()].filter((t) => isOpenUpstream(t.status));
  }

  /** The next thing to spend a token on, or the time it becomes due. */
  private pick(now: number): { action: PollerAction; run: () => Promise<void> } | { dueInMs: number } | null {
    const ex = this.explicit.shift();
    if (ex) return { action: 'explicit', run: () => ex.run().then(ex.resolve, ex.reject) };

    for (const t of this.tracked.values()) {
      if (t.needsDetail && !t.busy && t.notBeforeMs <= now) return { action: 'detail', run: () => this.detail(t) };
    }
    this.forgetIdle(now);
    const open = this.unfinished().filter((t) => !t.busy && t.notBeforeMs <= now);
    const page = this.sweeper?.nextPage(now, open);
    if (page) return { action: 'sweep', run: page };
    const every = this.sweeper && open.length >= this.o.sweepMinTasks ? this.o.idleRecheckMs : this.o.recheckMs;
    let oldest: Tracked | undefined;
    for (const t of open) if (!oldest || t.lastCheckedMs < oldest.lastCheckedMs) oldest = t;
    if (oldest && now - oldest.lastCheckedMs >= every) {
      const t = oldest;
      return { action: 'check', run: () => this.detail(t) };
    }
    const candidates: number[] = [];
    if (oldest) candidates.push(oldest.lastCheckedMs + every - now);
    const sweepDueMs = this.sweeper?.dueInMs(now, open) ?? null;
    if (sweepDueMs !== null) candidates.push(sweepDueMs);
    for (const t of this.tracked.values()) if (t.notBeforeMs > now) candidates.push(t.notBeforeMs - now);
    return candidates.length ? { dueInMs: Math.max(1, Math.min(...candidates)) } : null;
  }

  private forgetIdle(now: number): void {
    for (const t of this.tracked.values()) {
      if (t.waiters.size === 0 && !t.busy && now - t.lastInterestMs > this.o.forgetAfterMs) this.tracked.delete(t.id);
    }
  }

  private async detail(t: Tracked): Promise<void> {
    t.busy = true;
    try {
      const view = await this.o.client.query(t.id);
      const now = this.o.clock.nowMs();
      t.lastCheckedMs = now;
      t.needsDetail = false;
      t.failures = 0;
      if (view.submittedAtMs !== undefined) {
        t.createdAtMs = view.submittedAtMs;
        t.createdExact = true;
      }
      const changed = view.status !== t.status || (view.scheduledAtMs !== undefined && t.scheduledAtMs === undefined);
      if (isTerminalUpstream(view.status) && isOpenUpstream(t.status)) this.sweeper?.noteEnded();
      t.view = view;
      if (view.scheduledAtMs !== undefined) t.scheduledAtMs = view.scheduledAtMs;
      t.status = view.status;
      if (changed) for (const w of [...t.waiters]) w();
    } catch (err) {
      const now = this.o.clock.nowMs();
      t.lastCheckedMs = now;
      t.failures++;
      t.notBeforeMs = now + Math.min(10_000, 250 * 2 ** Math.min(6, t.failures));
      this.noteFailedCall(err, 'query');
    } finally {
      t.busy = false;
    }
  }

  /** A query or list call failed: a throttled upstream pauses the whole budget; the rest is only reported. */
  private noteFailedCall(err: unknown, what: string): void {
    if (err instanceof UpstreamCallError && err.failure.kind === 'throttled') {
      const now = this.o.clock.nowMs();
      this.bucket.pauseUntil(now + err.failure.retryAfterMs, now);
    }
    this.o.onError?.(err, what);
  }

  /**
   * One decision: when a token is free and there is work, spends it and waits for the call.
   * Returns the action taken, or null (no token, or nothing to do).
   */
  step(): Promise<PollerAction | null> {
    return this.runner.step();
  }

  /** After a step() that took nothing: why (see BudgetLoop.idleReason). */
  idleReason(): IdleReason {
    return this.runner.idleReason;
  }

  private kick(): void {
    this.runner.kick();
  }

  start(): void {
    this.runner.start();
  }

  stop(): void {
    this.runner.stop();
  }
}
