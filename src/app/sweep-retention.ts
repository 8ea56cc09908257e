import { isTerminal } from '../domain/task.js';
import type { AppDeps } from './deps.js';
import { discardFile } from './upload-file.js';

export type SweepRetentionDeps = Pick<AppDeps, 'tasks' | 'files' | 'blobs' | 'clock' | 'retention' | 'log'>;

/** Most items of each sort one step handles; the maintenance loop runs again at once while busy. */
const batch = 100;

/** A terminal task's leftover folders are left alone this long (a worker that lost it may be finishing). */
export const scratchGraceMs = 10 * 60_000;

/**
 * Removes inputs/{taskId}/… and work/{taskId}/… objects of tasks that ended (or no longer exist): left in
 * storage by versions that kept a task's scratch files there (today they live on each worker's scratch disk).
 */
async function sweepLegacyScratch(deps: Pick<AppDeps, 'blobs' | 'tasks'>, nowMs: number): Promise<number> {
  let removed = 0;
  for (const folder of ['inputs/', 'work/']) {
    const byTask = new Map<string, string[]>();
    for (const key of (await deps.blobs.list(folder)).slice(0, batch * 10)) {
      const taskId = key.slice(folder.length).split('/')[0]!;
      if (/^task_[0-9A-HJKMNP-TV-Z]{26}$/.test(taskId)) byTask.set(taskId, [...(byTask.get(taskId) ?? []), key]);
    }
    for (const [taskId, keys] of byTask) {
      if (removed >= batch) return removed;
      const task = await deps.tasks.getTask(taskId);
      if (task && (!isTerminal(task.status) || task.updatedAtMs > nowMs - scratchGraceMs)) continue;
      for (const key of keys) await deps.blobs.delete(key);
      removed++;
    }
  }
  return removed;
}

/**
 * One retention step: deletes result videos of tasks completed more than retention.resultsMs ago
 * (the task keeps its metadata and says the result expired), expired uploads (blob and record) and
 * leftover scratch objects of ended tasks. Returns how many things it removed (0: nothing to do).
 */
export async function sweepRetention(deps: SweepRetentionDeps): Promise<number> {
  const nowMs = deps.clock.nowMs();
  let removed = 0;
  for (const task of await deps.tasks.listResultsToExpire(nowMs - deps.retention.resultsMs, batch)) {
    // Blob first: a crash in between leaves the task listed, and the next step marks it.
    if (task.result) await deps.blobs.delete(task.result.blobKey);
    if (await deps.tasks.markResultExpired(task.id, nowMs)) {
      removed++;
      deps.log.info({ taskId: task.id }, 'result expired and deleted');
    }
  }
  for (const file of await deps.files.listExpiredFiles(nowMs, batch)) {
    await discardFile(deps, file);
    removed++;
  }
  // Not on object storage: it never held scratch, and listing it every pass would cost requests.
  return removed + (deps.retention.legacyScratch ? await sweepLegacyScratch(deps, nowMs) : 0);
}
