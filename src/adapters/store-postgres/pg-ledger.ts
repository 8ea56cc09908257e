import { numOrNull, type LedgerWrite } from '../sql/rows.js';
import { newId } from '../../domain/ids.js';
import { one, params, run, type Queryable } from './pg-db.js';


/**
 * Appends entries in one statement; the unique (task_id, kind) index makes a second hold, capture or
 * release of a task impossible (the statement fails and so does the caller's transaction).
 */
export async function writeLedger(db: Queryable, ...entries: LedgerWrite[]): Promise<void> {
  const values: unknown[] = [];
  const tuples = entries.map((e) => {
    const base = values.length;
    values.push(newId('led', e.nowMs), e.keyId, e.taskId, e.kind, e.amountMinor, e.balanceAfterMinor, e.nowMs, e.note);
    return `(${params(8, base + 1)})`;
  });
  await run(db, `INSERT INTO ledger (id, key_id, task_id, kind, amount_minor, balance_after_minor, created_at_ms, note) VALUES ${tuples.join(', ')}`, values);
}

/**
 * Places the hold for a new task inside the caller's transaction. One conditional UPDATE both checks
 * and takes the money (and row-locks the key until commit), so concurrent holds can never drive a
 * balance below zero; an unlimited key (NULL balance) passes unchanged. 'insufficient' writes nothing.
 */
export async function placeHold(db: Queryable, keyId: string, taskId: string, amountMinor: number, nowMs: number): Promise<{ balanceMinor: number | null } | 'insufficient'> {
  const row = await one(
    db,
    `UPDATE api_keys SET balance_minor = balance_minor - $2
     WHERE id = $1 AND (balance_minor IS NULL OR balance_minor >= $2) RETURNING balance_minor`,
    [keyId, amountMinor],
  );
  if (!row) return 'insufficient';
  const after = numOrNull(row.balance_minor);
  await writeLedger(db, { keyId, taskId, kind: 'hold', amountMinor, balanceAfterMinor: after, nowMs, note: null });
  return { balanceMinor: after };
}

/** The task's hold, or null when billing was off for it. A hold never changes once written. */
export async function holdOf(db: Queryable, taskId: string): Promise<number | null> {
  const row = await one(db, "SELECT amount_minor FROM ledger WHERE task_id = $1 AND kind = 'hold'", [taskId]);
  return row ? Number(row.amount_minor) : null;
}

/**
 * Settles a task's hold inside the caller's transaction, which also made the terminal compare-and-set:
 * captures `capturedMinor` and releases the rest back to the balance.
 */
export async function settleHold(db: Queryable, keyId: string, taskId: string, heldMinor: number, capturedMinor: number, nowMs: number): Promise<void> {
  const released = heldMinor - capturedMinor;
  const row = await one(db, 'UPDATE api_keys SET balance_minor = balance_minor + $2 WHERE id = $1 RETURNING balance_minor', [keyId, released]);
  const after = numOrNull(row?.balance_minor);
  await writeLedger(
    db,
    { keyId, taskId, kind: 'capture', amountMinor: capturedMinor, balanceAfterMinor: after === null ? null : after - released, nowMs, note: null },
    { keyId, taskId, kind: 'release', amountMinor: released, balanceAfterMinor: after, nowMs, note: null },
  );
}
