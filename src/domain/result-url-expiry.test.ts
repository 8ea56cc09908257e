import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resultUrlWindowMs, roundResultUrlExpiry } from './result-url-expiry.js';

const day = 24 * 3600_000;

describe('signed result URL expiry', () => {
  it('lives at least the TTL and less than the TTL plus one window (a 24th of it)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_600_000_000_000, max: 2_000_000_000_000 }), fc.integer({ min: 60, max: 30 * 86_400 }), (nowMs, ttlSeconds) => {
        const ttlMs = ttlSeconds * 1000;
        const lifetime = roundResultUrlExpiry(nowMs, ttlMs) - nowMs;
        expect(lifetime).toBeGreaterThanOrEqual(ttlMs);
        expect(lifetime).toBeLessThan(ttlMs + resultUrlWindowMs(ttlMs));
        expect(roundResultUrlExpiry(nowMs, ttlMs) % 1000).toBe(0);
      }),
    );
  });

  it('gives every read within one window the same expiry', () => {
    const start = Math.ceil(1_700_000_000_000 / 3600_000) * 3600_000 + 1;
    expect(roundResultUrlExpiry(start, day)).toBe(roundResultUrlExpiry(start + 3600_000 - 1, day));
    expect(roundResultUrlExpiry(start + 3600_000, day)).toBe(roundResultUrlExpiry(start, day) + 3600_000);
  });

  it('uses a one-hour window for the 24 h default', () => {
    expect(resultUrlWindowMs(day)).toBe(3600_000);
  });
});
