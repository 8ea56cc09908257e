import { queuePositionOf, toPendingSnapshot, type PendingSnapshot } from '../domain/queue-position.js';
import type { Clock, TaskStore } from '../domain/ports.js';
import type { Task } from '../domain/task.js';

/**
 * Queue positions from a snapshot of the pending queue taken at most once per maxAgeMs (one query
 * shared by every status request), so polling clients do not each scan the queue. A long queue is
 * snapshotted less often: at most about a tenth of the time goes to taking snapshots.
 */
export class QueuePositions {
  private snapshot: PendingSnapshot | null = null;
  private takenAtMs = 0;
  private loading: Promise<PendingSnapshot> | null = null;
  private lastLoadMs = 0;

  constructor(
    // Ports, not AppDeps: this cache is one of AppDeps' members.
    private readonly deps: { tasks: Pick<TaskStore, 'listPending'>; clock: Clock },
    private readonly maxAgeMs = 1000,
  ) {}

  async positionOf(task: Task): Promise<number> {
    return queuePositionOf(await this.current(), task.keyId, task.id);
  }

  private async current(): Promise<PendingSnapshot> {
    const nowMs = this.deps.clock.nowMs();
    if (this.snapshot && nowMs - this.takenAtMs < Math.max(this.maxAgeMs, 10 * this.lastLoadMs)) return this.snapshot;
    const startedMs = performance.now();
    this.loading ??= this.deps.tasks
      .listPending()
      .then((rows) => {
        this.snapshot = toPendingSnapshot(rows);
        this.takenAtMs = nowMs;
        this.lastLoadMs = performance.now() - startedMs;
        return this.snapshot;
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }
}
