import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { RunTaskStepDeps } from '../app/run-task-step.js';
import type { Engine, Task } from '../domain/ports.js';
import { startWorkerPool } from './worker-pool.js';

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
  return {
    deps: deps as unknown as RunTaskStepDeps,
    claims: () => calls,
    answerNothing: () => waiting.splice(0).forEach((r) => r(undefined)),
  };
}

const engine = { id: 'local', capacity: 1 } as unknown as Engine;
// Far longer than any test: a claim that happens came from a wake-up.
const idlePollMs = 3_600_000;

describe('worker pool', () => {
  it('a wake-up that arrives while the only slot is claiming makes it look again at once, not at the next idle poll', async () => {
    const store = heldClaims();
    const pool = startWorkerPool(store.deps, [engine], { idlePollMs, pollIntervalMs: 10 });
    await nextTurn();
    expect(store.claims()).toBe(1);
    // A task commits while that claim is under way, which already read the queue empty.
    pool.wake();
    store.answerNothing();
    await nextTurn();
    expect(store.claims()).toBe(2);
    // That look used the wake-up: with nothing new, the slot sleeps.
    store.answerNothing();
    await nextTurn();
    expect(store.claims()).toBe(2);
    const stopped = pool.stop(0);
    store.answerNothing();
    await stopped;
  });

  it('wake-ups missed by busy slots count at most one more look per slot', async () => {
    const store = heldClaims();
    const pool = startWorkerPool(store.deps, [engine], { idlePollMs, pollIntervalMs: 10 });
    await nextTurn();
    for (let i = 0; i < 5; i++) pool.wake();
    store.answerNothing();
    await nextTurn();
    expect(store.claims()).toBe(2);
    store.answerNothing();
    await nextTurn();
    expect(store.claims()).toBe(2);
    // A sleeping slot is woken directly.
    pool.wake();
    await nextTurn();
    expect(store.claims()).toBe(3);
    const stopped = pool.stop(0);
    store.answerNothing();
    await stopped;
  });
});
