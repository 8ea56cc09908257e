/**
 * The random histories of the money properties: what a step may do, with weights that keep claims,
 * settlements and races common and restarts rare.
 */
import fc from 'fast-check';
import { maxBalanceMinor } from '../../src/domain/account.js';
import type { PriceTable } from '../../src/domain/pricing.js';

export type Op =
  | { kind: 'submit'; key: number; holdMinor: number }
  | { kind: 'claim'; worker: number }
  | { kind: 'complete'; worker: number; costMinor: number }
  | { kind: 'fail'; worker: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'race'; worker: number; pick: number; costMinor: number }
  | { kind: 'crash'; worker: number }
  | { kind: 'tick'; ms: number }
  | { kind: 'restart'; conn: number }
  | { kind: 'credit'; key: number; amountMinor: number }
  /** A wan2.7-r2v or wan2.7-videoedit task, held at its model's upper bound (the family spec). */
  | { kind: 'submitModel'; key: number; body: Record<string, unknown> }
  /** Completion billed by the model's rule from what the render measured (fractional lengths included). */
  | { kind: 'completeBilled'; worker: number; referenceVideoSeconds: number[]; sourceVideoSeconds: number };

/** Odd per-second prices, so rounding shows; small enough for the starting balances to cover a few holds. */
export const familyPrices: PriceTable = { currency: 'USD', minorPerMajor: 10_000, perSecondMinor: { '720P': 7, '1080P': 11 } };

const seconds = fc.integer({ min: 100, max: 3000 }).map((centis) => centis / 100);
const resolutionArb = fc.constantFrom('720P', '1080P');
const familyBodyArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({
    model: fc.constant('wan2.7-r2v'),
    prompt: fc.constant('Image 1 meets Video 1'),
    image_urls: fc.constant(['https://e.com/a.png']),
    video_urls: fc.array(fc.constant('https://e.com/v.mp4'), { minLength: 0, maxLength: 4 }).map((v) => (v.length > 0 ? v : undefined)),
    duration: fc.integer({ min: 2, max: 10 }),
    resolution: resolutionArb,
  }),
  fc.record({
    model: fc.constant('wan2.7-videoedit'),
    video_urls: fc.constant(['https://e.com/v.mp4']),
    duration: fc.constantFrom(0, 2, 5, 10),
    resolution: resolutionArb,
  }),
);

export const workers = 3;
export const keysCount = 3;

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('submit' as const), key: fc.nat(keysCount - 1), holdMinor: fc.integer({ min: 1, max: 3000 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('claim' as const), worker: fc.nat(workers - 1) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('complete' as const), worker: fc.nat(workers - 1), costMinor: fc.integer({ min: 0, max: 4000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail' as const), worker: fc.nat(workers - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(50) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('race' as const), worker: fc.nat(workers - 1), pick: fc.nat(50), costMinor: fc.integer({ min: 0, max: 4000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), worker: fc.nat(workers - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 15_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), conn: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('credit' as const), key: fc.nat(keysCount - 1), amountMinor: fc.integer({ min: -3000, max: 5000 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('submitModel' as const), key: fc.nat(keysCount - 1), body: familyBodyArb }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('completeBilled' as const),
      worker: fc.nat(workers - 1),
      referenceVideoSeconds: fc.array(seconds, { minLength: 4, maxLength: 4 }),
      sourceVideoSeconds: seconds.map((s) => Math.min(10, Math.max(2, s))),
    }),
  },
);

/** Near the maximum balance: credits up to and past it, holds as large as a balance, cancels that release them. */
export type LimitOp = { kind: 'credit'; amountMinor: number } | { kind: 'submit'; holdMinor: number } | { kind: 'cancel'; pick: number };
export const limitOpArb: fc.Arbitrary<LimitOp> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('credit' as const),
      amountMinor: fc.oneof(fc.integer({ min: -5000, max: 5000 }), fc.integer({ min: 1, max: maxBalanceMinor }), fc.integer({ min: maxBalanceMinor - 20_000, max: maxBalanceMinor + 1 })),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('submit' as const), holdMinor: fc.oneof(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: maxBalanceMinor })) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(20) }) },
);
