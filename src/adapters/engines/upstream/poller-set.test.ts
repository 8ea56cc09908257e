import { describe, expect, it } from 'vitest';
import { PollerSet } from './poller-set.js';
import type { UpstreamTaskView } from './upstream-task.js';

function setUp() {
  const clock = { t: 0 };
  const queried: number[] = [];
  const set = new PollerSet(true);
  const poller = set.add('acct', {
    client: { query: async (id): Promise<UpstreamTaskView> => (queried.push(clock.t), { taskId: id, status: 'RUNNING' }) },
    budgetPerSecond: 20,
    clock: { nowMs: () => clock.t },
  });
  return { clock, queried, set, poller };
}

describe('PollerSet (stepped)', () => {
  it('calls the upstream only when stepped, and says when the next call is due', async () => {
    const { clock, queried, set, poller } = setUp();
    poller.track('t1', 0);
    expect(await set.step()).toEqual({ kind: 'due', inMs: 1000 });
    expect(queried).toEqual([]);
    clock.t = 1000;
    expect(await set.step()).toEqual({ kind: 'ran' });
    expect(queried).toEqual([1000]);
    // The next query is due, but the budget's token is not back yet: held until it is.
    poller.track('t2', 0);
    clock.t = 2010;
    expect(await set.step()).toEqual({ kind: 'ran' });
    const held = await set.step();
    expect(held).toMatchObject({ kind: 'budget' });
    expect(queried).toEqual([1000, 2010]);
    clock.t += held.kind === 'budget' ? held.inMs : 0;
    expect(await set.step()).toEqual({ kind: 'ran' });
    expect(queried).toHaveLength(3);
    poller.untrack('t1');
    poller.untrack('t2');
    clock.t += 10_000;
    expect(await set.step()).toEqual({ kind: 'idle' });
  });

  it('wakes a waiting stepper on new work, also work that arrived during the last step', async () => {
    const { set, poller } = setUp();
    await set.step();
    let woken = false;
    const waiting = set.nextWork().then(() => (woken = true));
    await Promise.resolve();
    expect(woken).toBe(false);
    const answer = poller.request(async () => 'done');
    await waiting;
    expect(woken).toBe(true);
    expect(await set.step()).toEqual({ kind: 'ran' });
    expect(await answer).toBe('done');
    poller.track('t2', 0);
    await expect(Promise.race([set.nextWork().then(() => 'woken'), Promise.resolve().then(() => 'still waiting')])).resolves.toBe('woken');
  });

  it('refuses to step pollers that run in the background', async () => {
    const set = new PollerSet(false);
    await expect(set.step()).rejects.toThrow(/background/);
  });
});
