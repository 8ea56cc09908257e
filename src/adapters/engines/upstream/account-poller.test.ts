import { describe, expect, it } from 'vitest';
import { MemoryUpstream, maxInWindow } from '../../../../test/helpers/memory-upstream.js';
import { AccountPoller } from './account-poller.js';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('never lets more than the budget leave in any second, even with 100 ms of jitter', () => {
    for (const budget of [1, 2, 5, 20, 50]) {
      let now = 0;
      const bucket = new TokenBucket(budget, now);
      const sent: number[] = [];
      for (; now < 20_000; now += 1) if (bucket.tryTake(now)) sent.push(now);
      expect(maxInWindow(sent, 1000)).toBeLessThanOrEqual(budget);
      if (budget >= 10) expect(maxInWindow(sent, 1100)).toBeLessThanOrEqual(budget);
      // And it does use the budget: 90 % of it (at least one below; half of it for tiny budgets).
      expect(sent.length / 20).toBeGreaterThanOrEqual(0.95 * Math.max(budget / 2, Math.min(budget - 1, budget * 0.9)));
    }
  });

  it('pauses when the upstream says it is throttling', () => {
    const bucket = new TokenBucket(20, 0);
    expect(bucket.tryTake(0)).toBe(true);
    bucket.pauseUntil(2000, 0);
    expect(bucket.msUntilToken(1000)).toBeGreaterThan(0);
    expect(bucket.tryTake(1999)).toBe(false);
    expect(bucket.tryTake(2060)).toBe(true);
  });
});

/**
 * Drives the poller's step function on a fake clock, 5 ms at a time. With `nextEventMs` (when onTick next
 * has something new to do), a tick in which the poller took nothing moves the clock straight on to the
 * tick where the poller says work is due or that event comes, instead of running the idle ticks between.
 */
async function run(poller: AccountPoller, clock: { t: number }, untilMs: number, onTick: () => void = () => undefined, nextEventMs?: (now: number) => number): Promise<void> {
  while (clock.t < untilMs) {
    onTick();
    let acted = false;
    while ((await poller.step()) !== null) acted = true;
    const idle = poller.idleReason();
    if (acted || !nextEventMs) {
      clock.t += 5;
      continue;
    }
    const next = Math.min(idle ? clock.t + idle.inMs : Infinity, nextEventMs(clock.t), untilMs);
    clock.t = Math.max(clock.t + 5, Math.ceil(next / 5) * 5);
  }
}

describe('AccountPoller', () => {
  it('tracks 1,000 in-flight tasks within 20 queries/s and notices each finished one within seconds', async () => {
    const clock = { t: 0 };
    const upstream = new MemoryUpstream({ clock });
    const poller = new AccountPoller({ client: upstream, budgetPerSecond: 20, clock: { nowMs: () => clock.t }, clockSkewMs: 1000 });
    // 1,000 tasks created over the first 30 s, each rendering 1..3 minutes (typical: 1-5): about 9 end
    // each second at the peak. Every ended task costs one detail query (the list has no video URL), so
    // the budget, not the design, bounds how fast ends can be noticed.
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 1000; i++) {
      const createdAtMs = i * 30;
      upstream.tasks.set(`t${i}`, { createdAtMs, endAtMs: createdAtMs + 60_000 + random() * 120_000, status: i % 50 === 0 ? 'FAILED' : 'SUCCEEDED' });
    }
    const noticed = new Map<string, number>();
    await run(poller, clock, 220_000, () => {
      for (const [id, t] of upstream.tasks) if (t.createdAtMs <= clock.t && !noticed.has(id)) poller.track(id, t.createdAtMs);
      for (const id of upstream.tasks.keys()) {
        const n = poller.news(id);
        if (n && (n.status === 'SUCCEEDED' || n.status === 'FAILED') && !noticed.has(id)) {
          noticed.set(id, clock.t);
          if (n.status === 'SUCCEEDED') expect(n.view?.videoUrl).toBe(`https://oss/${id}.mp4`);
          poller.untrack(id);
        }
      }
    }, (now) => Math.floor(now / 30) * 30 + 30);
    expect([...upstream.tasks.keys()].filter((id) => !noticed.has(id))).toEqual([]);
    expect(maxInWindow(upstream.calls.map((c) => c.at))).toBeLessThanOrEqual(20);
    const delays = [...noticed].map(([id, at]) => at - upstream.tasks.get(id)!.endAtMs).sort((a, b) => a - b);
    expect(delays[0]).toBeGreaterThanOrEqual(0);
    expect(delays[Math.floor(delays.length * 0.95)]).toBeLessThan(5000);
  });

  it('with few tasks, queries each about once a second and never lists', async () => {
    const clock = { t: 0 };
    const upstream = new MemoryUpstream({ clock });
    const poller = new AccountPoller({ client: upstream, budgetPerSecond: 20, clock: { nowMs: () => clock.t } });
    upstream.tasks.set('a', { createdAtMs: 0, endAtMs: 3000, status: 'SUCCEEDED' });
    poller.track('a', 0);
    await run(poller, clock, 3000);
    expect(poller.news('a')?.status).toBe('RUNNING');
    await run(poller, clock, 4100);
    expect(poller.news('a')?.status).toBe('SUCCEEDED');
    expect(upstream.calls.every((c) => c.kind === 'query')).toBe(true);
    expect(upstream.calls.length).toBeLessThanOrEqual(5);
  });

  it('serves explicit requests first, under the same budget', async () => {
    const clock = { t: 0 };
    const upstream = new MemoryUpstream({ clock });
    const poller = new AccountPoller({ client: upstream, budgetPerSecond: 2, clock: { nowMs: () => clock.t } });
    const results: number[] = [];
    for (let i = 0; i < 4; i++) void poller.request(async () => results.push(clock.t));
    await run(poller, clock, 3500);
    expect(results).toHaveLength(4);
    expect(maxInWindow(results)).toBeLessThanOrEqual(2);
  });

  it('finds an expired task (UNKNOWN, never listed) through single queries', async () => {
    const clock = { t: 0 };
    const upstream = new MemoryUpstream({ clock });
    const poller = new AccountPoller({ client: upstream, budgetPerSecond: 20, clock: { nowMs: () => clock.t }, idleRecheckMs: 5000 });
    for (let i = 0; i < 20; i++) {
      upstream.tasks.set(`t${i}`, { createdAtMs: 0, endAtMs: 1e9, status: 'SUCCEEDED' });
      poller.track(`t${i}`, 0);
    }
    poller.track('gone', 0);
    await run(poller, clock, 8000);
    expect(poller.news('gone')?.status).toBe('UNKNOWN');
  });
});
