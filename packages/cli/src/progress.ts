import type { Task } from '@wangate/client';
import type { SingleBar } from 'cli-progress';
import { formatBytes, type Output } from './output.js';

/** A bar on stderr drawn by cli-progress: `phase ███░░░ 45% detail`. Loaded only when a bar is shown. */
async function newBar(out: Output): Promise<SingleBar> {
  const { default: cliProgress } = await import('cli-progress');
  return new cliProgress.SingleBar({
    stream: out.streams.stderr,
    format: '{phase} {bar} {percentage}% {detail}',
    barCompleteChar: '█',
    barIncompleteChar: '░',
    barsize: 30,
    hideCursor: true,
    clearOnComplete: false,
    stopOnComplete: false,
    linewrap: false,
    fps: 10,
  });
}

const phase = (name: string) => name.padEnd(11);

function describeTask(task: Task): { phase: string; detail: string } {
  switch (task.status) {
    case 'pending':
      return {
        phase: phase('queued'),
        detail: task.queue_position === undefined ? '' : task.queue_position === 0 ? 'next in queue' : `${task.queue_position} ahead in queue`,
      };
    case 'processing':
      return { phase: phase('rendering'), detail: task.actual_time === undefined ? '' : `${task.actual_time}s of about ${task.estimated_time}s` };
    default:
      return { phase: phase(task.status), detail: task.actual_time === undefined ? '' : `${task.actual_time}s` };
  }
}

/**
 * A task's progress for people: a bar (queue position while queued, percent while rendering) at a
 * terminal; otherwise one line per status change on stderr (none with --quiet or --json).
 */
export class TaskProgress {
  private bar: SingleBar | undefined;
  private lastStatus: string | undefined;
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly out: Output) {}

  update(task: Task): void {
    const statusChanged = task.status !== this.lastStatus;
    this.lastStatus = task.status;
    if (!this.out.animate) {
      if (statusChanged) {
        const { detail } = describeTask(task);
        this.out.info(`${task.id}: ${task.status}${detail ? ` (${detail})` : ''}`);
      }
      return;
    }
    // Updates are queued behind the bar's (asynchronous) creation, in order.
    this.pending = this.pending.then(async () => {
      const payload = describeTask(task);
      const value = task.status === 'completed' ? 100 : task.progress;
      if (!this.bar) {
        this.bar = await newBar(this.out);
        this.bar.start(100, value, payload);
      } else {
        this.bar.update(value, payload);
      }
    });
  }

  /** Leaves the bar's last state on screen, ends its line and shows the cursor again. */
  async stop(): Promise<void> {
    await this.pending;
    this.bar?.stop();
    this.bar = undefined;
  }
}

/** Bytes of a download: a bar with percent and sizes at a terminal, else nothing until it ends. */
export class DownloadProgress {
  private bar: SingleBar | undefined;
  private starting: Promise<void> | undefined;

  constructor(private readonly out: Output) {}

  update(receivedBytes: number, totalBytes: number | undefined): void {
    if (!this.out.animate) return;
    const payload = { phase: phase('download'), detail: `${formatBytes(receivedBytes)}${totalBytes ? ` of ${formatBytes(totalBytes)}` : ''}` };
    const total = totalBytes ?? Math.max(receivedBytes, 1);
    if (!this.starting) {
      this.starting = newBar(this.out).then((bar) => {
        this.bar = bar;
        bar.start(total, receivedBytes, payload);
      });
      return;
    }
    void this.starting.then(() => {
      this.bar!.setTotal(total);
      this.bar!.update(receivedBytes, payload);
    });
  }

  async stop(): Promise<void> {
    await this.starting;
    this.bar?.stop();
    this.bar = undefined;
  }
}
