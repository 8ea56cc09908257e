import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sleepUnlessAborted } from './run-task-step.js';

describe('sleepUnlessAborted', () => {
  it('leaves no abort listener behind after a wait that timed out, however many waits share the signal', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 20; i++) await sleepUnlessAborted(1, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('ends a wait at once when the signal aborts', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const wait = sleepUnlessAborted(60_000, controller.signal);
    controller.abort();
    await wait;
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
