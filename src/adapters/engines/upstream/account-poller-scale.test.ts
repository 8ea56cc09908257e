import { describe, expect, it } from 'vitest';
import { MemoryUpstream, maxInWindow } from '../../../../test/helpers/memory-upstream.js';
import { seededRandom } from '../../../domain/seeded-random.js';
import { AccountPoller } from './account-poller.js';

/**
 * 10,000 tasks in flight on one account, on a stepped clock, driven the way the background loop drives
 * the poller (launch() starts calls without waiting; up to 8 are out at once). Calls take 20-300 ms, one
 * in 30 stalls 0.8-1.5 s, and each reaches the upstream anywhere inside its round trip, so arrivals bunch
 * the way a busy event loop or network bunches them. The upstream refuses a 21st call in any second.
 */
async function runTenThousand(opts: { measureMs: number }) {
  const random = seededRandom(2026);
  const clock = { t: 0 };
  const upstream = new MemoryUpstream({
    clock,
    latency: () => ({ roundTripMs: random() < 1 / 30 ? 800 + random() * 700 : 20 + random() * 280, arriveAt: random() }),
  });
  // Created over 40 s; from 55 s on they end about 10 a second, roughly in the order they were made
  // (±15 s), as renders of one kind do; one in 20 FAILED.
  const tasks = 10_000;
  const firstEndMs = 55_000;
  const order: { id: string; createdAtMs: number }[] = [];
  for (let i = 0; i < tasks; i++) {
    const createdAtMs = i * 4;
    const endAtMs = Math.max(createdAtMs + 5000, firstEndMs + i * 100 + (random() * 2 - 1) * 15_000);
    upstream.tasks.set(`t${i}`, { createdAtMs, endAtMs, status: i % 20 === 0 ? 'FAILED' : 'SUCCEEDED' });
    order.push({ id: `t${i}`, createdAtMs });
  }
  const poller = new AccountPoller({ client: upstream, budgetPerSecond: 20, clock: { nowMs: () => clock.t }, clockSkewMs: 1000 });
  const noticedAtMs = new Map<string, number>();
  const untilMs = firstEndMs + opts.measureMs;
  let next = 0;
  let lastInterestMs = 0;
  while (clock.t < untilMs) {
    for (; next < order.length && order[next]!.createdAtMs <= clock.t; next++) poller.track(order[next]!.id, order[next]!.createdAtMs);
    // Each task's follower asks for news at least every 10 s (engine.poll), so none is forgotten.
    if (clock.t - lastInterestMs >= 10_000) {
      lastInterestMs = clock.t;
      for (const o of order.slice(0, next)) if (!noticedAtMs.has(o.id)) poller.track(o.id, o.createdAtMs);
    }
    for (const id of await upstream.settle(clock.t)) {
      const news = poller.news(id);
      if (news && news.status !== 'PENDING' && news.status !== 'RUNNING' && news.status !== 'UNSEEN') {
        expect(news.status).toBe(upstream.tasks.get(id)!.status);
        noticedAtMs.set(id, clock.t);
        poller.untrack(id);
      }
    }
    while (poller.launch() !== null) {
      /* start every call that is due and allowed */
    }
    const idle = poller.idleReason();
    const nextCreateMs = order[next]?.createdAtMs ?? Infinity;
    clock.t = Math.max(clock.t + 1, Math.min(upstream.nextEventMs(), idle ? clock.t + idle.inMs : Infinity, nextCreateMs, clock.t + 1000));
  }
  // Every task that ended at least 10 s before the close, and when it was noticed.
  const ended = [...upstream.tasks].filter(([, t]) => t.endAtMs >= firstEndMs && t.endAtMs <= untilMs - 10_000);
  const delays = ended.map(([id, t]) => (noticedAtMs.get(id) ?? Infinity) - t.endAtMs).sort((a, b) => a - b);
  return { upstream, ended, delays, noticed: noticedAtMs.size, untilMs };
}

describe('AccountPoller at 10,000 tasks in flight', () => {
  it('never has more than 20 calls reach the upstream in any second, never throttled, and notices ends within 5 s (p95)', async () => {
    const { upstream, ended, delays, noticed, untilMs } = await runTenThousand({ measureMs: 120_000 });
    expect(upstream.throttled).toBe(0);
    expect(maxInWindow(upstream.calls.map((c) => c.at))).toBeLessThanOrEqual(20);
    expect(ended.length).toBeGreaterThan(1000);
    expect(delays[0]).toBeGreaterThanOrEqual(0);
    expect(delays[Math.floor(delays.length * 0.95)]).toBeLessThan(5000);
    expect(delays.at(-1)).toBeLessThan(15_000);
    // The lists find the ends: about one single query per ended task (its video URL), and the checks for
    // what a list cannot show (an expired task) stay under a quarter of the budget.
    const queries = upstream.calls.filter((c) => c.kind === 'query');
    const ofEnded = queries.filter((c) => upstream.statusOf(c.id!, c.at) !== 'RUNNING' && upstream.statusOf(c.id!, c.at) !== 'PENDING');
    expect(ofEnded.length).toBeLessThan(1.05 * noticed);
    expect(queries.length - ofEnded.length).toBeLessThan(0.25 * 20 * (untilMs / 1000));
  }, 120_000);
});
