/**
 * One shared poller per upstream account: every query and list call of the account goes through one
 * token bucket (token-bucket.ts), so a thousand in-flight tasks never push it over its budget.
 *
 * What a token is spent on, in order:
 * 1. explicit requests (reconciling a create of unknown outcome, refreshing a dead result URL);
 * 2. the details of tasks a list showed as ended (the list has no video URL, usage or error message);
 * 3. the pages of a sweep, at most once a second when enough tasks are tracked to make list pages cheaper
 *    than single queries. The list filters on creation time only, so a sweep covers the creation window
 *    of the tasks still running, in the cheaper of two ways:
 *    - "ended": the SUCCEEDED tasks of the window (FAILED and CANCELED every third sweep), whose count
 *      grows as tasks end;
 *    - "open": the PENDING then RUNNING tasks of the window; a tracked task in neither has ended. Its
 *      count shrinks as tasks end. A page-1 probe (page size 1) now and then re-reads the ended count.
 *    A task that ends while a sweep pages may be missed (caught by the next sweep) or wrongly suspected
 *    (one wasted detail query); neither is ever reported before its detail is in hand;
 * 4. single queries of the longest-unchecked tasks (when few are tracked, each about once a second;
 *    otherwise the leftover budget, which also catches UNKNOWN: expired tasks never show in the list).
 * engine.poll() waits here for news of its task (waitForChange), it never queries by itself.
 *
 * `step()` takes one decision and runs it: tests drive it with a fake clock; `start()` runs it in a loop.
 */
import type { Clock } from '../../../domain/ports.js';
import { UpstreamCallError, type ListParams } from './api.js';
import { isTerminalUpstream, type UpstreamListPage, type UpstreamStatus, type UpstreamTaskView } from './from-upstream.js';
import { TokenBucket } from './token-bucket.js';

export interface PollerClient {
  query(taskId: string): Promise<UpstreamTaskView>;
  list(params: ListParams): Promise<UpstreamListPage>;
}

export interface PollerOptions {
  client: PollerClient;
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
}

/** What the poller knows of one upstream task. */
export interface TaskNews {
  status: UpstreamStatus | 'UNSEEN';
  /** The last detail query's answer; set before a terminal status is reported. */
  view: UpstreamTaskView | null;
  scheduledAtMs?: number;
}

interface Tracked extends TaskNews {
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

type ListStatus = NonNullable<ListParams['status']>;

interface Sweep {
  mode: 'ended' | 'open';
  startedAtMs: number;
  startMs: number;
  endMs: number;
  /** Pages still to read; pages 2..n of a status are added once a reply tells the count. */
  queue: { status: ListStatus; pageNo: number; probe?: boolean }[];
  /** Pages queued so far, per status. */
  planned: Map<string, number>;
  /** "open" mode: tracked tasks the lists showed as still PENDING or RUNNING. */
  seen: Set<string>;
  /** Tasks open when the sweep started, and inside its window. */
  covered: string[];
  inFlight: number;
  failed: boolean;
}

export type PollerAction = 'explicit' | 'detail' | 'sweep' | 'check';

const pageSize = 100;
const maxSweepPages = 200;

export class AccountPoller {
  private readonly bucket: TokenBucket;
  private readonly tracked = new Map<string, Tracked>();
  private readonly explicit: Explicit[] = [];
  private sweep: Sweep | null = null;
  private lastSweepMs = -Infinity;
  private sweepCount = 0;
  /** SUCCEEDED tasks in the sweep window, as last read (+ ends noticed since). */
  private endedInWindow = 0;
  private inFlight = 0;
  private running = false;
  private wake: (() => void) | null = null;
  private readonly o: Required<Omit<PollerOptions, 'onError'>> & Pick<PollerOptions, 'onError'>;

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

  /** Asks for a fresh detail of a task (e.g. its result URL died). */
  refresh(id: string): void {
    const t = this.tracked.get(id);
    if (t) {
      t.needsDetail = true;
      this.kick();
    }
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

  get size(): number {
    return this.tracked.size;
  }

  // ---------- scheduling ----------

  private unfinished(): Tracked[] {
    return [...this.tracked.values()].filter((t) => t.status === 'UNSEEN' || !isTerminalUpstream(t.status));
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
    const sweep = this.sweep;
    if (sweep && sweep.queue.length > 0) return { action: 'sweep', run: () => this.sweepPage(sweep) };
    if (!sweep && open.length >= this.o.sweepMinTasks && now - this.lastSweepMs >= this.o.sweepIntervalMs) {
      this.startSweep(now, open);
      const started = this.sweep!;
      return { action: 'sweep', run: () => this.sweepPage(started) };
    }
    const every = open.length >= this.o.sweepMinTasks ? this.o.idleRecheckMs : this.o.recheckMs;
    let oldest: Tracked | undefined;
    for (const t of open) if (!oldest || t.lastCheckedMs < oldest.lastCheckedMs) oldest = t;
    if (oldest && now - oldest.lastCheckedMs >= every) {
      const t = oldest;
      return { action: 'check', run: () => this.detail(t) };
    }
    const candidates: number[] = [];
    if (oldest) candidates.push(oldest.lastCheckedMs + every - now);
    if (!sweep && open.length >= this.o.sweepMinTasks) candidates.push(this.lastSweepMs + this.o.sweepIntervalMs - now);
    for (const t of this.tracked.values()) if (t.notBeforeMs > now) candidates.push(t.notBeforeMs - now);
    return candidates.length ? { dueInMs: Math.max(1, Math.min(...candidates)) } : null;
  }

  private forgetIdle(now: number): void {
    for (const t of this.tracked.values()) {
      if (t.waiters.size === 0 && !t.busy && now - t.lastInterestMs > this.o.forgetAfterMs) this.tracked.delete(t.id);
    }
  }

  private startSweep(now: number, open: Tracked[]): void {
    const margin = (t: Tracked) => (t.createdExact ? 1000 : this.o.clockSkewMs);
    this.sweepCount++;
    const startMs = Math.min(...open.map((t) => t.createdAtMs - margin(t)));
    const endMs = Math.min(now + 1000, Math.max(...open.map((t) => t.createdAtMs + margin(t))));
    // Two lists of the open tasks, or the ended ones: whichever needs fewer pages.
    const mode = Math.ceil(open.length / pageSize) + 1 < Math.ceil(this.endedInWindow / pageSize) ? 'open' : 'ended';
    const queue: Sweep['queue'] =
      mode === 'open'
        ? [...(this.sweepCount % 5 === 0 ? [{ status: 'SUCCEEDED' as const, pageNo: 1, probe: true }] : []), { status: 'PENDING', pageNo: 1 }, { status: 'RUNNING', pageNo: 1 }]
        : (this.sweepCount % 3 === 1 ? (['SUCCEEDED', 'FAILED', 'CANCELED'] as const) : (['SUCCEEDED'] as const)).map((status) => ({ status, pageNo: 1 }));
    this.sweep = {
      mode,
      startedAtMs: now,
      startMs,
      endMs,
      queue,
      planned: new Map(),
      seen: new Set(),
      covered: open.filter((t) => t.createdAtMs - margin(t) >= startMs && t.createdAtMs + margin(t) <= endMs).map((t) => t.id),
      inFlight: 0,
      failed: false,
    };
    this.lastSweepMs = now;
  }

  private async sweepPage(s: Sweep): Promise<void> {
    const next = s.queue.shift()!;
    s.inFlight++;
    try {
      const page = await this.o.client.list({ startMs: s.startMs, endMs: s.endMs, status: next.status, pageNo: next.pageNo, pageSize: next.probe ? 1 : pageSize });
      if (next.probe || (s.mode === 'ended' && next.status === 'SUCCEEDED' && next.pageNo === 1)) this.endedInWindow = page.total;
      if (!next.probe) {
        this.readPage(page, s);
        // Tasks ending (or starting) while the sweep pages shift the rest: follow the growing total.
        const planned = s.planned.get(next.status) ?? 1;
        const last = Math.min(page.totalPages, maxSweepPages);
        for (let p = planned + 1; p <= last; p++) s.queue.push({ status: next.status, pageNo: p });
        s.planned.set(next.status, Math.max(planned, last));
      }
    } catch (err) {
      // The sweep is abandoned; the next one starts over.
      s.queue.length = 0;
      s.failed = true;
      this.failed(err, 'list');
    } finally {
      s.inFlight--;
      if (this.sweep === s && s.queue.length === 0 && s.inFlight === 0) this.endSweep(s);
    }
  }

  private endSweep(s: Sweep): void {
    this.sweep = null;
    if (s.mode !== 'open' || s.failed) return;
    // Open when the sweep started, inside its window, and in neither list: it has ended (or is gone).
    for (const id of s.covered) {
      const t = this.tracked.get(id);
      if (t && !s.seen.has(id) && (t.status === 'UNSEEN' || !isTerminalUpstream(t.status))) t.needsDetail = true;
    }
  }

  private readPage(page: UpstreamListPage, s: Sweep): void {
    for (const e of page.entries) {
      const t = this.tracked.get(e.taskId);
      if (!t) continue;
      if (e.createdAtMs !== undefined) {
        t.createdAtMs = e.createdAtMs;
        t.createdExact = true;
      }
      if (isTerminalUpstream(e.status)) {
        if (t.status === 'UNSEEN' || !isTerminalUpstream(t.status)) t.needsDetail = true;
      } else s.seen.add(e.taskId);
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
      if (isTerminalUpstream(view.status) && (t.status === 'UNSEEN' || !isTerminalUpstream(t.status))) this.endedInWindow++;
      t.view = view;
      if (view.scheduledAtMs !== undefined) t.scheduledAtMs = view.scheduledAtMs;
      t.status = view.status;
      if (changed) for (const w of [...t.waiters]) w();
    } catch (err) {
      const now = this.o.clock.nowMs();
      t.lastCheckedMs = now;
      t.failures++;
      t.notBeforeMs = now + Math.min(10_000, 250 * 2 ** Math.min(6, t.failures));
      this.failed(err, 'query');
    } finally {
      t.busy = false;
    }
  }

  private failed(err: unknown, what: string): void {
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
  async step(): Promise<PollerAction | null> {
    const now = this.o.clock.nowMs();
    if (this.bucket.msUntilToken(now) > 0) return null;
    const next = this.pick(now);
    if (!next || !('action' in next)) return null;
    this.bucket.tryTake(now);
    await next.run();
    return next.action;
  }

  private kick(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  stop(): void {
    this.running = false;
    this.kick();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const now = this.o.clock.nowMs();
      let waitMs: number | null = null;
      if (this.inFlight >= this.o.maxInFlight) waitMs = 1000;
      else {
        const tokenMs = this.bucket.msUntilToken(now);
        if (tokenMs > 0) waitMs = tokenMs;
      }
      if (waitMs === null) {
        const next = this.pick(now);
        if (next && 'action' in next) {
          this.bucket.tryTake(now);
          this.inFlight++;
          void next.run().finally(() => {
            this.inFlight--;
            this.kick();
          });
          continue;
        }
        waitMs = next ? next.dueInMs : null;
      }
      await new Promise<void>((resolve) => {
        const timer = waitMs === null ? undefined : setTimeout(() => fire(), waitMs);
        timer?.unref?.();
        const fire = () => {
          clearTimeout(timer);
          if (this.wake === fire) this.wake = null;
          resolve();
        };
        this.wake = fire;
      });
    }
  }
}
