/**
 * The list sweeps of one account's poller (account-poller.ts): when enough tasks are tracked, list pages are
 * cheaper than single queries. The list filters on creation time only, so a sweep covers the creation
 * window of the tasks still running, in the cheaper of two ways:
 * - "ended": the SUCCEEDED tasks of the window (FAILED and CANCELED every third sweep), whose count grows
 *   as tasks end;
 * - "open": the PENDING then RUNNING tasks of the window; a tracked task in neither has ended. Its count
 *   shrinks as tasks end. A page-1 probe (page size 1) now and then re-reads the ended count.
 * A task that ends while a sweep pages may be missed (caught by the next sweep) or wrongly suspected (one
 * wasted detail query); a sweep only flags tasks for a detail query, it never reports an end by itself.
 */
import { isOpenUpstream, isTerminalUpstream, type ListParams, type UpstreamListPage, type UpstreamStatus } from './upstream-task.js';

/** The part of a tracked task a sweep reads and updates. */
export interface SweepTarget {
  id: string;
  status: UpstreamStatus | 'UNSEEN';
  createdAtMs: number;
  createdExact: boolean;
}

export interface ListSweeperOptions {
  client: { list(params: ListParams): Promise<UpstreamListPage> };
  tracked: ReadonlyMap<string, SweepTarget>;
  /** Least time between two sweeps. */
  intervalMs: number;
  /** Below this many open tasks, no sweep. */
  minTasks: number;
  /** Margin for the upstream's clock around our own creation times. */
  clockSkewMs: number;
  /** A list suggests the task has ended: its detail is wanted. */
  suspect: (id: string) => void;
  onError: (err: unknown, what: string) => void;
}

type ListStatus = NonNullable<ListParams['status']>;

interface Sweep {
  mode: 'ended' | 'open';
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

const pageSize = 100;
const maxSweepPages = 200;

const isOpen = (t: SweepTarget) => isOpenUpstream(t.status);

export class ListSweeper {
  private sweep: Sweep | null = null;
  private lastSweepMs = -Infinity;
  private sweepCount = 0;
  /** SUCCEEDED tasks in the sweep window, as last read (+ ends noticed since). */
  private endedInWindow = 0;

  constructor(private readonly o: ListSweeperOptions) {}

  /**
   * The next page to read: of the sweep under way, or of one started now when it is due. `openCount`: the
   * tracked tasks still running; `open()`: those free to query (listed only when a sweep starts).
   */
  nextPage(now: number, openCount: number, open: () => SweepTarget[]): (() => Promise<void>) | null {
    const sweep = this.sweep;
    if (sweep && sweep.queue.length > 0) return () => this.sweepPage(sweep);
    if (!sweep && openCount >= this.o.minTasks && now - this.lastSweepMs >= this.o.intervalMs) {
      const free = open();
      if (free.length === 0) return null;
      const started = this.startSweep(now, free);
      return () => this.sweepPage(started);
    }
    return null;
  }

  /** When no sweep is under way but one is wanted: the time until it may start. */
  dueInMs(now: number, openCount: number): number | null {
    return !this.sweep && openCount >= this.o.minTasks ? this.lastSweepMs + this.o.intervalMs - now : null;
  }

  /** A detail query saw a task end: the ended count of the window grew. */
  noteEnded(): void {
    this.endedInWindow++;
  }

  private startSweep(now: number, open: SweepTarget[]): Sweep {
    const margin = (t: SweepTarget) => (t.createdExact ? 1000 : this.o.clockSkewMs);
    this.sweepCount++;
    let startMs = Infinity;
    let lastMs = -Infinity;
    for (const t of open) {
      startMs = Math.min(startMs, t.createdAtMs - margin(t));
      lastMs = Math.max(lastMs, t.createdAtMs + margin(t));
    }
    const endMs = Math.min(now + 1000, lastMs);
    // Two lists of the open tasks, or the ended ones: whichever needs fewer pages.
    const mode = Math.ceil(open.length / pageSize) + 1 < Math.ceil(this.endedInWindow / pageSize) ? 'open' : 'ended';
    const queue: Sweep['queue'] =
      mode === 'open'
        ? [...(this.sweepCount % 5 === 0 ? [{ status: 'SUCCEEDED' as const, pageNo: 1, probe: true }] : []), { status: 'PENDING', pageNo: 1 }, { status: 'RUNNING', pageNo: 1 }]
        : (this.sweepCount % 3 === 1 ? (['SUCCEEDED', 'FAILED', 'CANCELED'] as const) : (['SUCCEEDED'] as const)).map((status) => ({ status, pageNo: 1 }));
    const sweep: Sweep = {
      mode,
      startMs,
      endMs,
      queue,
      planned: new Map(),
      seen: new Set(),
      covered: open.filter((t) => t.createdAtMs - margin(t) >= startMs && t.createdAtMs + margin(t) <= endMs).map((t) => t.id),
      inFlight: 0,
      failed: false,
    };
    this.sweep = sweep;
    this.lastSweepMs = now;
    return sweep;
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
      this.o.onError(err, 'list');
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
      const t = this.o.tracked.get(id);
      if (t && !s.seen.has(id) && isOpen(t)) this.o.suspect(id);
    }
  }

  private readPage(page: UpstreamListPage, s: Sweep): void {
    for (const e of page.entries) {
      const t = this.o.tracked.get(e.taskId);
      if (!t) continue;
      if (e.createdAtMs !== undefined) {
        t.createdAtMs = e.createdAtMs;
        t.createdExact = true;
      }
      if (isTerminalUpstream(e.status)) {
        if (isOpen(t)) this.o.suspect(e.taskId);
      } else s.seen.add(e.taskId);
    }
  }
}
