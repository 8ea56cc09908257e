/**
 * An upstream account in memory, for the shared poller's tests on a stepped clock: tasks end at fixed
 * times; query and list answer as DashScope does. With a latency, each call moves the clock on by its
 * round trip and reaches the upstream somewhere inside it, and the upstream counts arrivals in a sliding
 * second and answers 429 over its limit, as the real one does.
 */
import type { PollerClient } from '../../src/adapters/engines/upstream/account-poller.js';
import { UpstreamCallError } from '../../src/adapters/engines/upstream/upstream-call-error.js';
import type { ListParams, UpstreamListPage, UpstreamStatus, UpstreamTaskView } from '../../src/adapters/engines/upstream/upstream-task.js';

/** The most calls in any window of `windowMs` (sliding, like the upstream's counter). */
export function maxInWindow(times: number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

export interface MemoryUpstreamOptions {
  clock: { t: number };
  /**
   * Per call: its round trip in ms and where in it the call reaches the upstream (0..1). With it, calls
   * answer only when `settle` reaches their time (the caller moves the clock); without, at once.
   */
  latency?: () => { roundTripMs: number; arriveAt: number };
  /** Calls admitted per sliding second; over it the upstream answers 429. Default 20. */
  limitPerSecond?: number;
}

interface Pending {
  arriveMs: number;
  answerMs: number;
  arrived: boolean;
  id?: string;
  answer: (atMs: number) => unknown;
  reply?: { ok: true; value: unknown } | { ok: false; error: unknown };
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class MemoryUpstream implements PollerClient {
  /** Every call that reached the upstream (throttled ones too), by arrival time. */
  readonly calls: { at: number; kind: 'query' | 'list'; id?: string }[] = [];
  readonly tasks = new Map<string, { createdAtMs: number; endAtMs: number; status: UpstreamStatus }>();
  throttled = 0;
  private readonly admitted: number[] = [];
  private pending: Pending[] = [];

  constructor(private readonly o: MemoryUpstreamOptions) {}

  statusOf(id: string, atMs = this.o.clock.t): UpstreamStatus {
    const t = this.tasks.get(id);
    if (!t || t.createdAtMs > atMs) return 'UNKNOWN';
    return atMs < t.endAtMs ? (atMs < t.createdAtMs + 500 ? 'PENDING' : 'RUNNING') : t.status;
  }

  /** A call reaches the upstream at atMs: counted, then answered or refused with a 429. */
  private arrive(kind: 'query' | 'list', id: string | undefined, atMs: number, answer: (atMs: number) => unknown): unknown {
    this.calls.push({ at: atMs, kind, ...(id !== undefined && { id }) });
    while (this.admitted.length > 0 && this.admitted[0]! <= atMs - 1000) this.admitted.shift();
    if (this.admitted.length >= (this.o.limitPerSecond ?? 20)) {
      this.throttled++;
      throw new UpstreamCallError({ kind: 'throttled', retryAfterMs: 1000, code: 'Throttling.RateQuota', message: 'Requests rate limit exceeded' });
    }
    this.admitted.push(atMs);
    return answer(atMs);
  }

  private call<T>(kind: 'query' | 'list', id: string | undefined, answer: (atMs: number) => T): Promise<T> {
    const now = this.o.clock.t;
    if (!this.o.latency) return new Promise<T>((resolve) => resolve(this.arrive(kind, id, now, answer) as T));
    const lat = this.o.latency();
    return new Promise<T>((resolve, reject) => {
      this.pending.push({
        arriveMs: now + Math.round(lat.roundTripMs * lat.arriveAt), answerMs: now + Math.round(lat.roundTripMs), arrived: false,
        ...(id !== undefined && { id }), answer, resolve: resolve as (v: unknown) => void, reject,
      });
    });
  }

  /** With a latency: the next arrival or answer. */
  nextEventMs(): number {
    let next = Infinity;
    for (const p of this.pending) next = Math.min(next, p.arrived ? p.answerMs : p.arriveMs);
    return next;
  }

  /**
   * With a latency: runs the arrivals due by nowMs in their order, then delivers the answers due, and
   * lets the callers' continuations run. Returns the task ids of the queries answered.
   */
  async settle(nowMs: number): Promise<string[]> {
    const arriving = this.pending.filter((p) => !p.arrived && p.arriveMs <= nowMs).sort((a, b) => a.arriveMs - b.arriveMs);
    for (const p of arriving) {
      p.arrived = true;
      try {
        p.reply = { ok: true, value: this.arrive(p.id === undefined ? 'list' : 'query', p.id, p.arriveMs, p.answer) };
      } catch (error) {
        p.reply = { ok: false, error };
      }
    }
    const answered = this.pending.filter((p) => p.arrived && p.answerMs <= nowMs);
    this.pending = this.pending.filter((p) => !answered.includes(p));
    for (const p of answered) {
      if (p.reply!.ok) p.resolve(p.reply!.value);
      else p.reject(p.reply!.error);
    }
    await new Promise((r) => setImmediate(r));
    return answered.flatMap((p) => (p.id === undefined ? [] : [p.id]));
  }

  query(id: string): Promise<UpstreamTaskView> {
    return this.call('query', id, (atMs) => {
      const status = this.statusOf(id, atMs);
      return { taskId: id, status, ...(status === 'SUCCEEDED' && { videoUrl: `https://oss/${id}.mp4` }) };
    });
  }

  list(p: ListParams): Promise<UpstreamListPage> {
    return this.call('list', undefined, (atMs) => {
      const all = [...this.tasks.entries()]
        .filter(([id, t]) => (p.startMs === undefined || t.createdAtMs >= p.startMs) && (p.endMs === undefined || t.createdAtMs <= p.endMs) && t.createdAtMs <= atMs && (!p.status || this.statusOf(id, atMs) === p.status))
        .sort((a, b) => b[1].createdAtMs - a[1].createdAtMs);
      const rows = all.slice((p.pageNo - 1) * p.pageSize, p.pageNo * p.pageSize);
      return {
        entries: rows.map(([id, t]) => ({ taskId: id, status: this.statusOf(id, atMs), createdAtMs: t.createdAtMs })),
        total: all.length,
        pageNo: p.pageNo,
        pageSize: p.pageSize,
        totalPages: Math.max(1, Math.ceil(all.length / p.pageSize)),
      };
    });
  }
}
