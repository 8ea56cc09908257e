import { describe, expect, it } from 'vitest';
import type { EngineContext, EngineJob } from '../../../domain/ports.js';
import type { GenerationRequest } from '../../../domain/request.js';
import type { AccountPoller, PollerClient } from '../upstream/account-poller.js';
import type { UpstreamListEntry } from '../upstream/upstream-task.js';
import { CreateReconciler } from './create-reconciler.js';
import type { CreatingState } from './engine-state.js';

const t0 = 1_000_000;
const quiet = { info: () => undefined, warn: () => undefined };

/** An account whose list and detail calls answer after `delayMs`, counting them. */
function account(tasks: (UpstreamListEntry & { prompt: string })[], delayMs = 0) {
  const calls = { list: 0, query: 0, listsAtOnce: 0, maxListsAtOnce: 0 };
  const later = <T>(v: () => T) => new Promise<T>((r) => setTimeout(() => r(v()), delayMs));
  const client: PollerClient = {
    async list() {
      calls.list++;
      calls.maxListsAtOnce = Math.max(calls.maxListsAtOnce, ++calls.listsAtOnce);
      const entries = await later(() => tasks.map(({ prompt: _, ...e }) => e));
      calls.listsAtOnce--;
      return { entries, total: entries.length, pageNo: 1, pageSize: 100, totalPages: 1 };
    },
    query(id) {
      calls.query++;
      const t = tasks.find((x) => x.taskId === id)!;
      return later(() => ({ taskId: id, status: t.status, origPrompt: t.prompt }));
    },
  };
  const poller = { request: <T>(run: () => Promise<T>) => run() } as unknown as AccountPoller;
  const reconciler = new CreateReconciler({
    clock: { nowMs: () => t0 + 10_000 },
    pollerFor: () => poller,
    clientFor: () => client,
    knownWork: undefined,
    settleMs: 0,
    intervalMs: 0,
    timeoutMs: 60_000,
    skewMs: 5000,
    pollWaitMs: 0,
    log: quiet,
  });
  return { calls, reconciler };
}

const job = (taskId: string, prompt: string): EngineJob => ({ taskId, request: { prompt } as GenerationRequest, inputs: {}, mediaUrls: {}, outputPath: '' });
const creating: CreatingState = { v: 1, phase: 'creating', channelId: 'c', account: 'acct', attemptId: 'a', model: 'wan2.7-t2v', sentAtMs: t0, deadlineMs: t0 + 1500 };
const ctx = (): EngineContext => ({ signal: new AbortController().signal, onProgress: () => undefined, saveState: async () => undefined, acquireChannel: async () => null });
const succeeded = (taskId: string, prompt: string) => ({ taskId, status: 'SUCCEEDED' as const, createdAtMs: t0 + 100, prompt });

describe('CreateReconciler', () => {
  it('reconciles a burst of timed-out creates side by side, each adopting its own task', async () => {
    const tasks = Array.from({ length: 6 }, (_, i) => succeeded(`up-${i}`, `prompt ${i}`));
    const { calls, reconciler } = account(tasks, 20);
    const results = await Promise.all(tasks.map((_, i) => reconciler.round(job(`task-${i}`, `prompt ${i}`), ctx(), creating)));
    expect(results.map((r) => (r.kind === 'adopted' ? r.state.upstreamTaskId : r.kind))).toEqual(tasks.map((t) => t.taskId));
    expect(calls.maxListsAtOnce).toBe(6);
    // Each prompt was read once, not once per reconciliation.
    expect(calls.query).toBe(6);
  });

  it('never lets two reconciliations adopt the same upstream task', async () => {
    // One running task in the window, two creates of unknown outcome: neither can tell it is theirs.
    const { reconciler } = account([{ taskId: 'up-x', status: 'RUNNING', createdAtMs: t0 + 100, prompt: 'a' }], 5);
    const [a, b] = await Promise.all([reconciler.round(job('task-a', 'a'), ctx(), creating), reconciler.round(job('task-b', 'b'), ctx(), creating)]);
    expect([a.kind, b.kind]).toEqual(['step', 'step']);
  });

  it('reads a window crowded with unclaimed tasks over a few rounds, then decides', async () => {
    const tasks = Array.from({ length: 60 }, (_, i) => succeeded(`up-${i}`, `other ${i}`));
    tasks.push(succeeded('up-mine', 'mine'));
    const { calls, reconciler } = account(tasks);
    let st = creating;
    const kinds: string[] = [];
    for (let round = 0; round < 5; round++) {
      const r = await reconciler.round(job('task-mine', 'mine'), ctx(), st);
      kinds.push(r.kind);
      if (r.kind !== 'step' || r.step.kind !== 'running') break;
      st = JSON.parse(r.step.state) as CreatingState;
    }
    expect(kinds).toEqual(['step', 'step', 'adopted']);
    expect(calls.query).toBe(61);
  });

  it('creates anew only when a second list, a settle later, still shows nothing of the attempt', async () => {
    const tasks: (UpstreamListEntry & { prompt: string })[] = [];
    const { reconciler } = account(tasks);
    const first = await reconciler.round(job('task-late', 'late'), ctx(), creating);
    expect(first.kind === 'step' && first.step.kind).toBe('running');
    // A busy upstream took the timed-out create only after the first list.
    tasks.push(succeeded('up-late', 'late'));
    const second = await reconciler.round(job('task-late', 'late'), ctx(), creating);
    expect(second.kind === 'adopted' && second.state.upstreamTaskId).toBe('up-late');

    const gone = await reconciler.round(job('task-gone', 'gone'), ctx(), creating);
    expect(gone.kind).toBe('step');
    expect((await reconciler.round(job('task-gone', 'gone'), ctx(), creating)).kind).toBe('not_created');
  });
});
