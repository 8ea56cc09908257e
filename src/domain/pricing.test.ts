import { describe, expect, it } from 'vitest';
import { billedCostMinor } from './pricing.js';

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
