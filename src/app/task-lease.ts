import type { EngineContext } from '../domain/ports.js';
import type { Task } from '../domain/task.js';
import type { AppDeps } from './deps.js';

export type TaskLeaseDeps = Pick<AppDeps, 'tasks' | 'clock' | 'leaseMs' | 'events'>;

/**
 * A worker's hold on one claimed task: heartbeats extend the lease and save progress and engine
 * state; losing the lease (cancelled, or taken over after a stall) aborts the work at once.
 */
export class TaskLease {
  readonly abort = new AbortController();
  progress: number;
  lost = false;
  /** The worker is shutting down and gives the task back (not lost: the release is still ours to make). */
  handedBack = false;
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly deps: TaskLeaseDeps,
    readonly task: Task,
    readonly workerId: string,
  ) {
    this.progress = task.progress;
    this.timer = setInterval(() => void this.beat().catch(() => undefined), Math.max(250, Math.floor(deps.leaseMs / 3)));
    // A cancel in this process stops the render now, not at the next heartbeat.
    this.unsubscribe = deps.events.subscribe(task.id, (e) => {
      if (e.status === 'cancelled') this.markLost();
    });
  }

  private markLost(): void {
    if (this.lost) return;
    this.lost = true;
    this.abort.abort();
  }

  /** Hands the task back when this signal aborts (the shutdown's deadline). */
  handBackOn(signal: AbortSignal): void {
    const listener = () => this.handBack();
    if (signal.aborted) return listener();
    signal.addEventListener('abort', listener, { once: true });
    this.cleanups.push(() => signal.removeEventListener('abort', listener));
  }

  handBack(): void {
    if (this.lost || this.handedBack) return;
    this.handedBack = true;
    this.abort.abort();
  }

  setProgress(percent: number): void {
    const p = Math.max(this.progress, Math.min(99, Math.floor(percent)));
    if (p === this.progress) return;
    this.progress = p;
    // Progress events are cheap and in-process; the store hears of it at the next heartbeat.
    this.deps.events.publish({ taskId: this.task.id, status: 'processing', progress: p });
  }

  async beat(engineState?: string): Promise<boolean> {
    if (this.lost) return false;
    const ok = await this.deps.tasks.heartbeat(
      this.task.id,
      this.workerId,
      this.deps.clock.nowMs(),
      this.deps.leaseMs,
      this.progress,
      engineState,
    );
    if (!ok) this.markLost();
    return ok;
  }

  context(): EngineContext {
    return {
      signal: this.abort.signal,
      onProgress: (percent) => this.setProgress(percent),
      saveState: async (state) => {
        if (!(await this.beat(state))) throw new Error('the task was cancelled or taken over; not continuing');
      },
      acquireChannel: (candidates) => this.deps.tasks.acquireChannel(this.task.id, this.workerId, candidates),
    };
  }

  stop(): void {
    clearInterval(this.timer);
    this.unsubscribe();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }
}
