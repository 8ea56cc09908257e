import { newId } from '../../domain/ids.js';
import type { Plans } from './plans.js';
import { capturable, numOrNull, type LedgerWrite } from './rows.js';
import { count, row, type Steps } from './steps.js';

/**
 * Appends one or two entries in one statement; the unique (task_id, kind) index makes a second hold,
 * capture or release of a task impossible (the statement fails, and with it the transaction).
 */
export function* writeLedger(s: Plans, ...entries: [LedgerWrite] | [LedgerWrite, LedgerWrite]): Steps<void> {
  const values: unknown[] = [];
  for (const e of entries) values.push(newId('led', e.nowMs), e.keyId, e.taskId, e.kind, e.amountMinor, e.balanceAfterMinor, e.nowMs, e.note);
  yield* count(s.ledgerInsert[entries.length - 1]!, values);
}

/**
 * Places the hold for a new task inside the caller's transaction. One conditional UPDATE both checks
 * and takes the money (and on PostgreSQL row-locks the key until commit), so concurrent holds can
 * never drive a balance below zero. Returns the balance after, or 'insufficient' (nothing written).
 */
export function* placeHold(s: Plans, keyId: string, taskId: string, amountMinor: number, nowMs: number): Steps<{ balanceMinor: number | null } | 'insufficient'> {
  const taken = yield* row(s.takeHold, [keyId, amountMinor]);
  if (!taken) return 'insufficient';
  const after = numOrNull(taken.balance_minor);
  yield* writeLedger(s, { keyId, taskId, kind: 'hold', amountMinor, balanceAfterMinor: after, nowMs, note: null });
  return { balanceMinor: after };
}

/** The task's hold, or null when billing was off for it. A hold never changes once written. */
export function* holdOf(s: Plans, taskId: string): Steps<number | null> {
  const hold = yield* row(s.holdOf, [taskId]);
  return hold ? Number(hold.amount_minor) : null;
}

/** What a task of this hold (null: billing off) is charged for this cost: never more than was held. */
export const chargeOf = (heldMinor: number | null, costMinor: number): number => (heldMinor === null ? costMinor : capturable(heldMinor, costMinor));

/**
 * Settles a task's hold inside the caller's transaction, which also made the terminal compare-and-set:
 * captures `capturedMinor` and gives the rest back. An unlimited key (NULL balance) records null
 * balances, as its hold did.
 */
export function* settleHold(s: Plans, keyId: string, taskId: string, heldMinor: number, capturedMinor: number, nowMs: number): Steps<void> {
  const released = heldMinor - capturedMinor;
  const after = numOrNull((yield* row(s.giveBack, [keyId, released]))?.balance_minor);
  yield* writeLedger(
    s,
    { keyId, taskId, kind: 'capture', amountMinor: capturedMinor, balanceAfterMinor: after === null ? null : after - released, nowMs, note: null },
    { keyId, taskId, kind: 'release', amountMinor: released, balanceAfterMinor: after, nowMs, note: null },
  );
}
