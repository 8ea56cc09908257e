import { isTerminal } from '../domain/task.js';
import type { AppDeps } from './deps.js';
import { discardFile } from './upload-file.js';

export type SweepRetentionDeps = Pick<AppDeps, 'tasks' | 'files' | 'blobs' | 'clock' | 'retention' | 'log'>;

/** Most items of each sort one step handles; the maintenance loop runs again at once while busy. */
const batch = 100;

/** A terminal task's scratch folders are left alone this long (a worker that lost it may be finishing). */
export const scratchGraceMs = 10 * 60_000;

/** Removes inputs/{taskId} and work/{taskId} folders of tasks that ended (or no longer exist). */
async function sweepScratch(deps: Pick<AppDeps, 'blobs' | 'tasks'>, nowMs: number): Promise<number> {
  let removed = 0;
  for (const folder of ['inputs', 'work']) {
    for (const taskId of (await deps.blobs.list(folder)).slice(0, batch * 10)) {
      if (removed >= batch) return removed;
      if (!/^task_[0-9A-HJKMNP-TV-Z]{26}$/.test(taskId)) continue;
      const task = await deps.tasks.getTask(taskId);
      if (task && (!isTerminal(task.status) || task.updatedAtMs > nowMs - scratchGraceMs)) continue;
      await deps.blobs.remove(`${folder}/${taskId}`);
      removed++;
    }
  }
  return removed;
}

/**
 * One retention step: deletes result videos of tasks completed more than retention.resultsMs ago
 * (the task keeps its metadata and says the result expired), expired uploads (blob and record) and
 * leftover scratch folders of ended tasks. Returns how many things it removed (0: nothing to do).
 */
export async function sweepRetention(deps: SweepRetentionDeps): Promise<number> {
  const nowMs = deps.clock.nowMs();
  let removed = 0;
  for (const task of await deps.tasks.listResultsToExpire(nowMs - deps.retention.resultsMs, batch)) {
    // Blob first: a crash in between leaves the task listed, and the next step marks it.
    if (task.result) await deps.blobs.remove(task.result.blobKey);
    if (await deps.tasks.markResultExpired(task.id, nowMs)) {
      removed++;
      deps.log.info({ taskId: task.id }, 'result expired and deleted');
    }
  }
  for (const file of await deps.files.listExpiredFiles(nowMs, batch)) {
    await discardFile(deps, file);
    removed++;
  }
  return removed + (await sweepScratch(deps, nowMs));
}
