import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RateLimiter } from '../../domain/ports.js';

/**
 * A sliding-window log: the key's accepted requests of the last window, as a sorted set scored by
 * time. One script (atomic in Redis) drops what left the window, counts, and adds the request when
 * there is room; refused requests are not recorded. When full, the wait is until enough of the
 * oldest entries leave the window for one more to fit.
 * ARGV: limit, windowMs, member (unique), nowMs ('' = Redis's own clock, one clock for every process).
 */
const slidingWindowScript = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[4])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
if n < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local edge = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
return math.max(1, tonumber(edge[2]) + window - now)
`;

export interface RedisRateLimiterOptions {
  redis: Redis;
  /** Used while Redis cannot be reached (fail open to per-process counting). */
  fallback: RateLimiter;
  /** Called for each request the fallback counts; `err` when Redis just failed (not while resting after it). */
  onFallback(err: Error | undefined): void;
  windowMs?: number;
  /** After a failure, requests go to the fallback this long before Redis is tried again. */
  restAfterFailureMs?: number;
  /** true: the window runs on the caller's clock (tests stepping time); default Redis's own clock. */
  callerClock?: boolean;
  keyPrefix?: string;
}

type WithScript = Redis & { wangateSlidingWindow(key: string, limit: number, windowMs: number, member: string, nowMs: string): Promise<number> };

/**
 * Per-key requests per minute counted in Redis: exact across every API process sharing it (never
 * more than the limit in any window). If Redis fails (refused, timed out, not answering), the request
 * is counted by the per-process fallback instead: the API keeps answering, each process then
 * enforcing the limit on its own share, and nothing turns into a 500.
 */
export function createRedisRateLimiter(opts: RedisRateLimiterOptions): RateLimiter {
  const windowMs = opts.windowMs ?? 60_000;
  const restMs = opts.restAfterFailureMs ?? 1000;
  const prefix = opts.keyPrefix ?? 'wangate:rate:';
  // Members must be unique across processes: this process's token and a counter.
  const token = randomBytes(6).toString('hex');
  let counter = 0;
  let restUntilMs = 0;
  if (!('wangateSlidingWindow' in opts.redis)) opts.redis.defineCommand('wangateSlidingWindow', { numberOfKeys: 1, lua: slidingWindowScript });
  const redis = opts.redis as WithScript;
  return {
    async take(keyId, perMinute, nowMs) {
      if (Date.now() < restUntilMs) {
        opts.onFallback(undefined);
        return opts.fallback.take(keyId, perMinute, nowMs);
      }
      try {
        const waitMs = await redis.wangateSlidingWindow(prefix + keyId, perMinute, windowMs, `${token}:${++counter}`, opts.callerClock ? String(nowMs) : '');
        return waitMs === 0 ? { ok: true } : { ok: false, retryAfterMs: Number(waitMs) };
      } catch (err) {
        restUntilMs = Date.now() + restMs;
        opts.onFallback(err as Error);
        return opts.fallback.take(keyId, perMinute, nowMs);
      }
    },
  };
}
