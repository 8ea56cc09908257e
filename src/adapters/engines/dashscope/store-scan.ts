/**
 * Reads our own task store for reconciliation: which upstream tasks already belong to one of our tasks,
 * and which creates are still unresolved. Across processes the store is the only shared truth.
 */
import type { TaskStore } from '../../../domain/ports.js';
import { decodeState } from './engine-state.js';
import type { KnownUpstreamWork, KnownUpstreamWorkSource } from '../upstream/decide-reconciliation.js';

/** Tasks created this long before the window are still read (a task may wait long in the queue). */
const lookBackMs = 24 * 3600_000;

export function knownWorkFromStore(tasks: TaskStore, engineId: string, limit = 20_000): KnownUpstreamWorkSource {
  return async (sinceMs) => {
    const rows = await tasks.listTasks({ createdFromMs: sinceMs - lookBackMs, limit });
    const known: KnownUpstreamWork = { claimed: new Map(), unresolved: [] };
    for (const t of rows) {
      if (t.engine !== engineId || !t.engineState) continue;
      const s = decodeState(t.engineState);
      if (!s) continue;
      if (s.phase === 'submitted') known.claimed.set(s.upstreamTaskId, t.id);
      else if (s.phase === 'abandoned') for (const c of s.candidates) known.claimed.set(c, t.id);
      else if (s.phase === 'creating') {
        known.unresolved.push({ taskId: t.id, account: s.account, sentAtMs: s.sentAtMs, deadlineMs: s.deadlineMs, prompt: t.request.prompt ?? '' });
      }
    }
    return known;
  };
}
