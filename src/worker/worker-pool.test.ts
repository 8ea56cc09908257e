import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { RunTaskStepDeps } from '../app/run-task-step.js';
import type { Engine, Task } from '../domain/ports.js';
import { startWorkerPool, type WorkerPool } from './worker-pool.js';

/** A store whose claims the test answers one by one; every claim finds nothing. */
function heldClaims() {
  const waiting: ((task: Task | undefined) => void)[] = [];
  let calls = 0;
  const deps = {
    tasks: {
      claimTask: () => {
        calls++;
        return new Promise<Task | undefined>((resolve) => waiting.push(resolve));
      },
    },
    clock: { nowMs: () => 0 },
    leaseMs: 1000,
    log: { error: () => undefined, warn: () => undefined, info: () => undefined, child: () => deps.log },
  };
  const answerNothing = () => waiting.splice(0).forEach((r) => r(undefined));
  return {
    deps: deps as unknown as RunTaskStepDeps,
    claims: () => calls,
    /** Answers the claims under way with nothing, lets the slots move on, and counts the claims so far. */
    async answerNothingThenCount(): Promise<number> {
      answerNothing();
      await nextTurn();
      return calls;
    },
    async stop(pool: WorkerPool): Promise<void> {
      const stopped = pool.stop(0);
      answerNothing();
      await stopped;
    },
  };
}

const engine = { id: 'local', capacity: 1 } as unknown as Engine;
// Far longer than any test: a claim that happens came from a wake-up.
const idlePollMs = 3_600_000;

describe('worker pool', () => {
  it('a wake-up that arrives while the only slot is claiming makes it look again at once, not at the next idle poll', async () => {
    const store = heldClaims();
    const pool = startWorkerPool(store.deps, [engine], { idlePollMs, pollIntervalMs: 10 });
    // A task commits while the first claim is under way, which already read the queue empty.
    await nextTurn();
    expect(store.claims()).toBe(1);
    pool.wake();
    expect(await store.answerNothingThenCount()).toBe(2);
    // That look used the wake-up: with nothing new, the slot sleeps.
    expect(await store.answerNothingThenCount()).toBe(2);
    await store.stop(pool);
  });

  it('wake-ups missed by busy slots count at most one more look per slot', async () => {
    const store = heldClaims();
    const pool = startWorkerPool(store.deps, [engine], { idlePollMs, pollIntervalMs: 10 });
    await nextTurn();
    for (let i = 0; i < 5; i++) pool.wake();
    expect(await store.answerNothingThenCount()).toBe(2);
    expect(await store.answerNothingThenCount()).toBe(2);
    // A sleeping slot is woken directly.
    pool.wake();
    await nextTurn();
    expect(await store.answerNothingThenCount()).toBe(3);
    await store.stop(pool);
  });
});
