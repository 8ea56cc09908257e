/**
 * One shared poller per upstream account: every query and list call of the account goes through one
 * token bucket (token-bucket.ts: evenly spaced sends) and one call window (call-window.ts: never more than
 * the budget reaching the upstream in any second, however the calls bunch on the way), so ten thousand
 * in-flight tasks never push it over its budget.
 *
 * What a token is spent on, in order:
 * 1. explicit requests (reconciling a create of unknown outcome, refreshing a dead result URL);
 * 2. the details of tasks a list showed as ended (the list has no video URL, usage or error message);
 * 3. the pages of a sweep (list-sweeper.ts), at most once a second when enough tasks are tracked to make
 *    list pages cheaper than single queries; a task a sweep suspects of having ended is reported only
 *    once its detail is in hand;
 * 4. single queries of the longest-unchecked tasks: when few are tracked, each about once a second;
 *    while sweeps follow them, only when the last second used under three quarters of the budget (they
 *    catch UNKNOWN: expired tasks never show in the list; the rest is headroom for details).
 * Picking scans the tracked tasks only to start a sweep, to forget idle ones (once a second each) and to
 * find a single query when one may go, so 10,000 tracked tasks do not make every decision scan them all.
 * engine.poll() waits here for news of its task (waitForChange), it never queries by itself.
 *
 * `step()` takes one decision and runs it, `launch()` starts one without waiting (as the loop does): tests
 * drive them with a fake clock; `start()` runs decisions in a loop (budget-loop.ts).
 */
import { BudgetLoop, type IdleReason } from './budget-loop.js';
import { CallWindow } from './call-window.js';
import { ListSweeper } from './list-sweeper.js';
import type { PollerOptions, TaskNews, Tracked } from './poller-options.js';
import { TokenBucket } from './token-bucket.js';
import { UpstreamCallError } from './upstream-call-error.js';
import { isOpenUpstream, isTerminalUpstream, type UpstreamTaskView } from './upstream-task.js';

export type { PollerClient, PollerOptions, TaskNews } from './poller-options.js';

interface Explicit {
  run: () => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export type PollerAction = 'explicit' | 'detail' | 'sweep' | 'check';

export class AccountPoller {
  private readonly bucket: TokenBucket;
  private readonly tracked = new Map<string, Tracked>();
  /** Tasks a list showed as ended (or left out): their details come first. */
  private readonly suspects = new Set<string>();
  /** Tasks backing off after a failed query. */
  private readonly backingOff = new Set<string>();
  private readonly window: CallWindow;
  private lastForgetMs = -Infinity;
  /** Tracked tasks seen ended (still tracked until their follower collects them). */
  private endedTracked = 0;
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
      // The call window already bounds calls out; with slow answers, more may be out at once.
      maxInFlight: Math.max(8, Math.floor(opts.budgetPerSecond)),
      forgetAfterMs: 120_000,
      ...opts,
    };
    this.bucket = new TokenBucket(opts.budgetPerSecond, opts.clock.nowMs());
    // 50 ms over the upstream's second: its clock ticks apart from ours.
    this.window = new CallWindow(Math.max(1, Math.floor(opts.budgetPerSecond)), 1050);
    const list = this.o.client.list?.bind(this.o.client);
    this.sweeper = list
      ? new ListSweeper({
          client: { list },
          tracked: this.tracked,
          intervalMs: this.o.sweepIntervalMs,
          minTasks: this.o.sweepMinTasks,
          clockSkewMs: this.o.clockSkewMs,
          suspect: (id) => this.suspects.add(id),
          onError: (err, what) => this.noteFailedCall(err, what),
        })
      : null;
    this.runner = new BudgetLoop<PollerAction>({
      bucket: this.bucket,
      window: this.window,
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
    this.forget(id);
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

  private forget(id: string): void {
    const t = this.tracked.get(id);
    if (t && !isOpenUpstream(t.status)) this.endedTracked--;
    this.tracked.delete(id);
    this.suspects.delete(id);
    this.backingOff.delete(id);
  }

  /** The next thing to spend a token on, or the time it becomes due. */
  private pick(now: number): { action: PollerAction; run: () => Promise<void> } | { dueInMs: number } | null {
    const ex = this.explicit.shift();
    if (ex) return { action: 'explicit', run: () => ex.run().then(ex.resolve, ex.reject) };

    for (const id of this.suspects) {
      const t = this.tracked.get(id);
      if (!t || !isOpenUpstream(t.status)) this.suspects.delete(id);
      else if (!t.busy && t.notBeforeMs <= now) return { action: 'detail', run: () => this.detail(t) };
    }
    if (now - this.lastForgetMs >= 1000) this.forgetIdle(now);
    let open: Tracked[] | undefined;
    const openNow = () => (open ??= [...this.tracked.values()].filter((t) => isOpenUpstream(t.status) && !t.busy && t.notBeforeMs <= now));
    const openCount = this.tracked.size - this.endedTracked;
    const page = this.sweeper?.nextPage(now, openCount, openNow);
    if (page) return { action: 'sweep', run: page };
    const sweeping = this.sweeper !== null && openCount >= this.o.sweepMinTasks;
    const checkDueMs = this.checkDueMs(now, sweeping, openNow);
    if (checkDueMs.task && checkDueMs.inMs <= 0) {
      const t = checkDueMs.task;
      return { action: 'check', run: () => this.detail(t) };
    }
    const candidates: number[] = [];
    if (checkDueMs.task) candidates.push(checkDueMs.inMs);
    const sweepDueMs = this.sweeper?.dueInMs(now, openCount) ?? null;
    if (sweepDueMs !== null) candidates.push(sweepDueMs);
    for (const id of this.backingOff) {
      const t = this.tracked.get(id);
      if (!t || t.notBeforeMs <= now) this.backingOff.delete(id);
      else candidates.push(t.notBeforeMs - now);
    }
    return candidates.length ? { dueInMs: Math.max(1, Math.min(...candidates)) } : null;
  }

  /**
   * The longest-unchecked open task and when its single query is due. While sweeps follow the tasks, a
   * single query only finds what lists cannot show (an expired task), so it goes only when the last second
   * used under three quarters of the budget: the rest is headroom for the details of ended tasks.
   */
  private checkDueMs(now: number, sweeping: boolean, openNow: () => Tracked[]): { task?: Tracked; inMs: number } {
    if (sweeping && this.window.used(now) >= 0.75 * this.window.limit) return { inMs: Infinity };
    const every = sweeping ? this.o.idleRecheckMs : this.o.recheckMs;
    let oldest: Tracked | undefined;
    for (const t of openNow()) if (!oldest || t.lastCheckedMs < oldest.lastCheckedMs) oldest = t;
    return oldest ? { task: oldest, inMs: oldest.lastCheckedMs + every - now } : { inMs: Infinity };
  }

  private forgetIdle(now: number): void {
    this.lastForgetMs = now;
    for (const t of this.tracked.values()) {
      if (t.waiters.size === 0 && !t.busy && now - t.lastInterestMs > this.o.forgetAfterMs) this.forget(t.id);
    }
  }

  private async detail(t: Tracked): Promise<void> {
    t.busy = true;
    try {
      const view = await this.o.client.query(t.id);
      const now = this.o.clock.nowMs();
      t.lastCheckedMs = now;
      this.suspects.delete(t.id);
      t.failures = 0;
      if (view.submittedAtMs !== undefined) {
        t.createdAtMs = view.submittedAtMs;
        t.createdExact = true;
      }
      const changed = view.status !== t.status || (view.scheduledAtMs !== undefined && t.scheduledAtMs === undefined);
      if (isTerminalUpstream(view.status) && isOpenUpstream(t.status)) {
        this.sweeper?.noteEnded();
        if (this.tracked.get(t.id) === t) this.endedTracked++;
      }
      t.view = view;
      if (view.scheduledAtMs !== undefined) t.scheduledAtMs = view.scheduledAtMs;
      t.status = view.status;
      if (changed) for (const w of [...t.waiters]) w();
    } catch (err) {
      const now = this.o.clock.nowMs();
      t.lastCheckedMs = now;
      t.failures++;
      t.notBeforeMs = now + Math.min(10_000, 250 * 2 ** Math.min(6, t.failures));
      this.backingOff.add(t.id);
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

  /** One decision as the background loop takes it: starts the call and returns without waiting for it. */
  launch(): PollerAction | null {
    return this.runner.launch();
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
