import { describe, expect, it } from 'vitest';
import { maxInWindow } from '../../../../test/helpers/memory-upstream.js';
import { seededRandom } from '../../../domain/seeded-random.js';
import { CallWindow } from './call-window.js';

describe('CallWindow', () => {
  it('lets a call leave only while fewer than the limit are in flight or answered within the window', () => {
    const w = new CallWindow(3, 1000);
    w.begin();
    w.begin();
    expect(w.msUntilFree(0)).toBe(0);
    w.begin();
    // Three in flight: only an answer frees a slot.
    expect(w.msUntilFree(0)).toBeNull();
    w.end(400);
    expect(w.msUntilFree(400)).toBe(1001);
    w.end(600);
    expect(w.msUntilFree(1400)).toBe(0);
    w.begin();
    expect(w.msUntilFree(1500)).toBe(101);
    expect(w.used(1601)).toBe(2);
  });

  it('keeps arrivals within the limit in every second however calls bunch between send and answer', () => {
    const random = seededRandom(5);
    const w = new CallWindow(20, 1000);
    const arrivals: number[] = [];
    const out: { answerMs: number }[] = [];
    for (let now = 0; now < 60_000; now++) {
      for (const c of out.filter((c) => c.answerMs <= now)) {
        out.splice(out.indexOf(c), 1);
        w.end(now);
      }
      // Send whenever allowed, up to 30 at once: round trips of 1 ms to 2.5 s, arriving anywhere inside.
      while (out.length < 30 && w.msUntilFree(now) === 0) {
        const roundTripMs = 1 + Math.floor(random() ** 3 * 2500);
        w.begin();
        arrivals.push(now + Math.floor(random() * roundTripMs));
        out.push({ answerMs: now + roundTripMs });
      }
    }
    expect(arrivals.length).toBeGreaterThan(20 * 60 * 0.3);
    expect(maxInWindow(arrivals, 1000)).toBeLessThanOrEqual(20);
  });
});
