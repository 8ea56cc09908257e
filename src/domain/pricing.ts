import type { Resolution } from './output-size.js';

/** Price per second of output, integer minor units (e.g. USD cents x 100 = 1/10000 USD). */
export interface PriceTable {
  currency: string;
  /** Minor units per major unit, e.g. 10000 when prices are kept in 1/10000 USD. */
  minorPerMajor: number;
  perSecondMinor: Record<Resolution, number>;
}

/** Both modes bill the same: price(resolution) x seconds. */
export function quoteMinor(table: PriceTable, resolution: Resolution, seconds: number): number {
  return table.perSecondMinor[resolution] * Math.ceil(seconds);
}

export function toMajor(table: PriceTable, minor: number): number {
  return minor / table.minorPerMajor;
}
