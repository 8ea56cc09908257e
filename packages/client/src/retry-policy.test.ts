import { describe, expect, it } from 'vitest';
import { isRetryableStatus, maxRetryAfterMs, retryAfterMs, retryDelayMs } from './retry-policy.js';

describe('retry policy', () => {
  it('retries 408, 429 and 5xx, never another 4xx; a request unsafe to repeat only when it was not processed', () => {
    for (const s of [408, 429, 500, 502, 503, 504]) expect(isRetryableStatus(s, true)).toBe(true);
    for (const s of [400, 401, 402, 403, 404, 409, 410, 413, 416]) expect(isRetryableStatus(s, true)).toBe(false);
    expect([408, 429, 500, 502, 503].filter((s) => isRetryableStatus(s, false))).toEqual([408, 429, 503]);
  });

  it('reads Retry-After as seconds or an HTTP date, and retry-after-ms first', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(new Headers({ 'retry-after': '2', 'retry-after-ms': '150' }), now)).toBe(150);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });

  it('backs off exponentially with up to 25 % jitter, capped at 8 s; a Retry-After above a minute is not waited out', () => {
    expect(retryDelayMs(0, undefined, () => 0)).toBe(500);
    expect(retryDelayMs(0, undefined, () => 1)).toBe(375);
    expect(retryDelayMs(2, undefined, () => 0)).toBe(2000);
    expect(retryDelayMs(10, undefined, () => 0)).toBe(8000);
    expect(retryDelayMs(0, new Headers({ 'retry-after': '3' }))).toBe(3000);
    expect(retryDelayMs(0, new Headers({ 'retry-after': String(maxRetryAfterMs / 1000 + 1) }))).toBeNull();
  });
});
