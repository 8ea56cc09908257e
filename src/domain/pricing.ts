import type { Resolution } from './output-size.js';

/** Price per second of output, integer minor units (e.g. USD cents x 100 = 1/10000 USD). */
export interface PriceTable {
  currency: string;
  /** Minor units per major unit, e.g. 10000 when prices are kept in 1/10000 USD. */
  minorPerMajor: number;
  perSecondMinor: Record<Resolution, number>;
}

/** Every model bills price(resolution) x seconds; what counts as a second is the model's rule (billing in model-registry.ts). */
export function quoteMinor(table: PriceTable, resolution: Resolution, seconds: number): number {
  return table.perSecondMinor[resolution] * billableSeconds(seconds);
}

/**
 * The charge of a finished task: the quote's price per second (the hold over the seconds it covers: the
 * model's upper bound, for wan2.7 the requested duration) times the seconds billed (the engine's count,
 * else all the hold covers), whole seconds rounded up (billableSeconds), never more than the quote held.
 * A count like 10.04 (an upstream's measured length) is billed as 11 s and never beyond the hold.
 */
export function billedCostMinor(quoteMinor: number, holdSeconds: number, billedSeconds?: number): number {
  if (holdSeconds <= 0) return 0;
  return Math.min(quoteMinor, Math.round((quoteMinor * billableSeconds(billedSeconds ?? holdSeconds)) / holdSeconds));
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

/**
 * Seconds billed for a (possibly fractional) count: rounded up to the price table's unit, the whole
 * second, as every model bills (10.04 s -> 11 s). Rounded to the millisecond first so a sum like
 * 3 x 5/3 s is 5 s, not 6.
 */
export function billableSeconds(seconds: number): number {
  return Math.max(0, Math.ceil(Math.round(seconds * 1000) / 1000));
}

/** r2v's reference-video part: n videos count min(length, 5/n) s each, 5 s in total at most. */
export function referenceVideoSeconds(lengthsSeconds: readonly number[]): number {
  const share = 5 / Math.max(1, lengthsSeconds.length);
  return lengthsSeconds.reduce((sum, s) => sum + Math.min(Math.max(0, s), share), 0);
}
