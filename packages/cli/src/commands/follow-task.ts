import { APIUserAbortError, WaitTimeoutError, type Task, type Wangate } from '@wangate/client';
import { exitCodes } from '../exit-codes.js';
import { trapInterrupt } from '../interrupt.js';
import { formatBytes, formatMoney, type Output } from '../output.js';
import { DownloadProgress, TaskProgress } from '../progress.js';

export interface FollowOptions {
  /** Where the MP4 goes (default `<task id>.mp4`); with download false, only said in the resume hint. */
  output?: string | undefined;
  download: boolean;
  maxWaitSeconds?: number | undefined;
  cancelOnInterrupt: boolean;
}

const modeNames: Record<string, string> = {
  t2v: 'text-to-video',
  i2v_first_frame: 'first frame to video',
  i2v_first_last: 'first and last frame to video',
  video_continuation: 'video continuation',
};

/** "mode t2v (text-to-video) · quote 0.20 USD · engine local": what the server routed and holds for it. */
export function describeRouting(task: Task): string {
  const mode = `mode ${task.mode}${modeNames[task.mode] ? ` (${modeNames[task.mode]})` : ''}`;
  const quote = task.cost === undefined ? '' : ` · quote ${formatMoney(task.cost, task.currency)}`;
  const engine = task.engine ? ` · engine ${task.engine.id}` : '';
  return `${task.id}: ${mode}${quote}${engine}`;
}

/** Downloads a completed task's MP4 with a byte bar; returns the path. */
export async function saveWithProgress(client: Wangate, taskId: string, path: string, out: Output, signal: AbortSignal): Promise<string> {
  const bar = new DownloadProgress(out);
  try {
    const saved = await client.tasks.saveContent(taskId, path, { onProgress: (received, total) => bar.update(received, total), signal });
    await bar.stop();
    out.info(`saved ${saved.path} (${formatBytes(saved.bytes)})`);
    return saved.path;
  } finally {
    await bar.stop();
  }
}

/**
 * Waits for a task with its progress on stderr, then (optionally) saves the MP4. Exit code: 0 when the
 * task completed (and the file is whole), 1 when it failed or was cancelled, 4 after --timeout,
 * 130 on Ctrl-C (the task keeps running unless --cancel-on-interrupt).
 */
export async function followTask(client: Wangate, taskId: string, out: Output, opts: FollowOptions): Promise<number> {
  const controller = new AbortController();
  const release = trapInterrupt(controller);
  const path = opts.output ?? `${taskId}.mp4`;
  const progress = new TaskProgress(out);
  let task: Task;
  try {
    try {
      task = await client.tasks.wait(taskId, {
        onProgress: (t) => progress.update(t),
        signal: controller.signal,
        ...(opts.maxWaitSeconds !== undefined && { maxWaitMs: opts.maxWaitSeconds * 1000 }),
      });
    } finally {
      await progress.stop();
    }
  } catch (e) {
    release();
    if (e instanceof APIUserAbortError) return interrupted(client, taskId, out, opts.cancelOnInterrupt, `wangate wait ${taskId} -o ${path}`);
    if (e instanceof WaitTimeoutError) {
      out.warn(`timed out: ${taskId} has not ended and keeps running; resume with: wangate wait ${taskId} -o ${path}`);
      return exitCodes.timeout;
    }
    throw e;
  }
  if (task.status !== 'completed') {
    release();
    out.result(task, () => '');
    const why = task.error ? `: ${task.error.message} (${task.error.reason})` : '';
    out.warn(`task ${taskId} ${task.status}${why}`);
    return exitCodes.failed;
  }
  try {
    if (opts.download) await saveWithProgress(client, taskId, path, out, controller.signal);
  } catch (e) {
    if (e instanceof APIUserAbortError) {
      out.warn(`interrupted: the download stopped; resume it with: wangate download ${taskId} -o ${path}`);
      return exitCodes.interrupted;
    }
    throw e;
  } finally {
    release();
  }
  out.result(task, () => (opts.download ? path : `${taskId} completed`));
  return exitCodes.done;
}

async function interrupted(client: Wangate, taskId: string, out: Output, cancel: boolean, resume: string): Promise<number> {
  if (!cancel) {
    out.warn(`interrupted: ${taskId} keeps running on the server; resume with: ${resume}`);
    return exitCodes.interrupted;
  }
  const task = await client.tasks.cancel(taskId).catch((e: Error) => {
    out.warn(`interrupted: could not cancel ${taskId}: ${e.message}`);
    return undefined;
  });
  if (!task) return exitCodes.interrupted;
  out.warn(`interrupted: cancelled ${taskId}`);
  return exitCodes.failed;
}
