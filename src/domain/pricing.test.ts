import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { billedCostMinor, formatMinor } from './pricing.js';

describe('billedCostMinor', () => {
  it('charges the quote per second for the seconds billed, whole seconds rounded up, in integer minor units', () => {
    expect(billedCostMinor(60_000, 10, 10)).toBe(60_000);
    expect(billedCostMinor(90_000, 15, 10.04)).toBe(66_000);
    expect(billedCostMinor(10_000, 3, 2)).toBe(6667);
  });
  it('bills the requested duration when the engine gives no count, and never more than the quote held', () => {
    expect(billedCostMinor(60_000, 10)).toBe(60_000);
    expect(billedCostMinor(60_000, 10, 10.04)).toBe(60_000);
    expect(billedCostMinor(60_000, 10, 42)).toBe(60_000);
  });
});

describe('formatMinor', () => {
  it('prints minor units as an exact decimal with at least two places', () => {
    expect(formatMinor(1000, 10_000)).toBe('0.10');
    expect(formatMinor(1500, 10_000)).toBe('0.15');
    expect(formatMinor(0, 10_000)).toBe('0.00');
    expect(formatMinor(123_456, 10_000)).toBe('12.3456');
    expect(formatMinor(-15_000, 10_000)).toBe('-1.50');
    expect(formatMinor(7, 100)).toBe('0.07');
    expect(formatMinor(5, 1)).toBe('5');
  });

  it('round-trips every amount exactly (no float drift, whatever the size)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), (minor) => {
        const text = formatMinor(minor, 10_000);
        const [whole, fraction = ''] = text.replace('-', '').split('.');
        const back = (BigInt(whole!) * 10_000n + BigInt(fraction.padEnd(4, '0'))) * (minor < 0 ? -1n : 1n);
        expect(back).toBe(BigInt(minor));
      }),
    );
  });
});
