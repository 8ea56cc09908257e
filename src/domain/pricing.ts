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

/**
 * The charge of a finished task: the quote's price per second times the seconds billed (the upstream's
 * count when it gives one, else the requested duration), whole seconds rounded up as quoted, never more
 * than the quote held. A count like 10.04 (an upstream's measured length) therefore never charges beyond
 * the hold.
 */
export function billedCostMinor(quoteMinor: number, requestedSeconds: number, billedSeconds?: number): number {
  const seconds = Math.ceil(billedSeconds ?? requestedSeconds);
  return Math.min(quoteMinor, Math.round((quoteMinor / requestedSeconds) * seconds));
}

export function toMajor(table: PriceTable, minor: number): number {
  return minor / table.minorPerMajor;
}

/**
 * An amount in minor units as an exact decimal string in major units ("0.10", "12.3456", "-1.50"):
 * integer arithmetic only, at least two decimals, no trailing zeros beyond them.
 */
export function formatMinor(minor: number, minorPerMajor: number): string {
  const digits = Math.round(Math.log10(minorPerMajor));
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(minor));
  const whole = Math.floor(abs / minorPerMajor);
  if (digits === 0) return `${sign}${whole}`;
  const fraction = String(abs % minorPerMajor).padStart(digits, '0').replace(/0+$/, '');
  return `${sign}${whole}.${fraction.padEnd(Math.min(2, digits), '0')}`;
}
