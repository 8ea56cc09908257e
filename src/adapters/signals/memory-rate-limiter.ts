import type { RateLimiter } from '../../domain/ports.js';

/**
 * Token bucket per key, refilled continuously at perMinute/60 per second, burst = perMinute.
 * Per process: with several API processes each enforces the limit on its own share of traffic
 * (REDIS_URL shares one count between them: redis-rate-limiter.ts).
 */
export function createMemoryRateLimiter(): RateLimiter {
  const buckets = new Map<string, { tokens: number; atMs: number }>();
  return {
    async take(keyId, perMinute, nowMs) {
      const ratePerMs = perMinute / 60_000;
      const b = buckets.get(keyId) ?? { tokens: perMinute, atMs: nowMs };
      b.tokens = Math.min(perMinute, b.tokens + (nowMs - b.atMs) * ratePerMs);
      b.atMs = nowMs;
      buckets.set(keyId, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterMs: Math.ceil((1 - b.tokens) / ratePerMs) };
    },
  };
}
