/**
 * The shared per-minute limit against the machine's real Redis: exact across connections (standing for
 * API processes), a window that slides, and the failure policy (a refused connection, a Redis that stops
 * answering): requests are then counted per process, never thrown. Without a reachable Redis the first
 * test fails, on purpose: CI has one.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { connectRedis, type RedisConnection } from '../../src/adapters/signals/redis-client.js';
import { createRedisRateLimiter } from '../../src/adapters/signals/redis-rate-limiter.js';
import { createMemoryRateLimiter } from '../../src/adapters/signals/memory-rate-limiter.js';
import type { RateLimiter } from '../../src/domain/ports.js';
import { closedPort, startTcpProxy } from '../helpers/tcp-proxy.js';

const redisUrl = process.env.WANGATE_TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const connections: RedisConnection[] = [];
const newKey = () => `key_test_${randomBytes(6).toString('hex')}`;

async function open(url = redisUrl): Promise<RedisConnection> {
  const c = await connectRedis(url, { commandTimeoutMs: 200, connectWaitMs: 1000 });
  connections.push(c);
  return c;
}

function limiter(c: RedisConnection, extra: Partial<Parameters<typeof createRedisRateLimiter>[0]> = {}): { limiter: RateLimiter; fallbacks: (Error | undefined)[] } {
  const fallbacks: (Error | undefined)[] = [];
  const l = createRedisRateLimiter({ redis: c.client, fallback: createMemoryRateLimiter(), onFallback: (e) => fallbacks.push(e), ...extra });
  return { limiter: l, fallbacks };
}

afterAll(async () => {
  await Promise.all(connections.map((c) => c.close()));
});

describe('Redis rate limiter', () => {
  it('Redis is reachable (these tests fail, never skip, without it)', async () => {
    const c = await open();
    await expect(c.ping()).resolves.toBeUndefined();
  });

  it('two processes sharing Redis accept exactly the limit between them, however the requests interleave', async () => {
    const a = limiter(await open());
    const b = limiter(await open());
    const key = newKey();
    const now = Date.now();
    const decisions = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).limiter.take(key, 25, now)));
    expect(decisions.filter((d) => d.ok)).toHaveLength(25);
    for (const d of decisions) if (!d.ok) expect(d.retryAfterMs).toBeGreaterThan(0), expect(d.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(a.fallbacks).toEqual([]);
    expect(b.fallbacks).toEqual([]);
  });

  it('the window slides: a request fits again exactly when the oldest accepted one leaves the last minute', async () => {
    const { limiter: l } = limiter(await open(), { callerClock: true });
    const key = newKey();
    const t0 = 1_700_000_000_000;
    for (const t of [t0, t0 + 10, t0 + 20]) expect(await l.take(key, 3, t)).toEqual({ ok: true });
    expect(await l.take(key, 3, t0 + 30)).toEqual({ ok: false, retryAfterMs: 59_970 });
    expect(await l.take(key, 3, t0 + 59_999)).toEqual({ ok: false, retryAfterMs: 1 });
    expect(await l.take(key, 3, t0 + 60_000)).toEqual({ ok: true });
    // Now t0+10, t0+20 and t0+60000 are in the window: the next slot opens when t0+10 leaves it.
    expect(await l.take(key, 3, t0 + 60_001)).toEqual({ ok: false, retryAfterMs: 9 });
  });

  it('a refused connection: requests are counted per process (fail open), reported, never thrown', async () => {
    const c = await open(`redis://127.0.0.1:${await closedPort()}`);
    const { limiter: l, fallbacks } = limiter(c);
    const key = newKey();
    const now = Date.now();
    const decisions = [await l.take(key, 2, now), await l.take(key, 2, now), await l.take(key, 2, now)];
    expect(decisions.map((d) => d.ok)).toEqual([true, true, false]);
    expect(fallbacks).toHaveLength(3);
    expect(fallbacks[0]).toBeInstanceOf(Error);
    await expect(c.ping()).rejects.toThrow();
  });

  it('a Redis that stops answering: each request falls back within the command timeout, and Redis counts again once it answers', async () => {
    const proxy = await startTcpProxy('127.0.0.1', 6379);
    try {
      const c = await open(`redis://127.0.0.1:${proxy.port}`);
      const { limiter: l, fallbacks } = limiter(c, { restAfterFailureMs: 0 });
      const key = newKey();
      expect(await l.take(key, 100, Date.now())).toEqual({ ok: true });
      expect(fallbacks).toEqual([]);
      proxy.hold();
      const started = Date.now();
      expect(await l.take(key, 100, Date.now())).toEqual({ ok: true });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(fallbacks).toHaveLength(1);
      expect(String(fallbacks[0])).toMatch(/timed out/i);
      await expect(c.ping()).rejects.toThrow();
      proxy.resume();
      await c.ping();
      expect(await l.take(key, 100, Date.now())).toEqual({ ok: true });
      expect(fallbacks).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });
});
