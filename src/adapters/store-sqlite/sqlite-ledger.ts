import { capturable, numOrNull, type LedgerWrite } from '../sql/rows.js';
import { newId } from '../../domain/ids.js';
import { sql, type Db } from './sqlite-db.js';


/** Appends one entry; the unique (task_id, kind) index makes a second capture or release impossible. */
export function writeLedger(db: Db, e: LedgerWrite): void {
  sql(db, 
    `INSERT INTO ledger (id, key_id, task_id, kind, amount_minor, balance_after_minor, created_at_ms, note)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(newId('led', e.nowMs), e.keyId, e.taskId, e.kind, e.amountMinor, e.balanceAfterMinor, e.nowMs, e.note);
}

/**
 * Places the hold for a new task inside the caller's transaction. Returns the balance after the hold,
 * or 'insufficient' (nothing written) when the key's balance cannot cover it.
 */
export function placeHold(db: Db, keyId: string, taskId: string, amountMinor: number, nowMs: number): { balanceMinor: number | null } | 'insufficient' {
  // One statement takes the hold from a balance, or passes an unlimited key (NULL balance) unchanged.
  const row = sql(
    db,
    `UPDATE api_keys SET balance_minor = balance_minor - ?
     WHERE id = ? AND (balance_minor IS NULL OR balance_minor >= ?) RETURNING balance_minor`,
  ).get(amountMinor, keyId, amountMinor) as { balance_minor: number | null } | undefined;
  if (!row) return 'insufficient';
  const after = row.balance_minor === null ? null : Number(row.balance_minor);
  writeLedger(db, { keyId, taskId, kind: 'hold', amountMinor, balanceAfterMinor: after, nowMs, note: null });
  return { balanceMinor: after };
}

/**
 * Settles a task's hold inside the caller's transaction (which also made the terminal compare-and-set):
 * captures min(capture, hold) and releases the rest; returns what was captured. A task without a hold
 * (billing off) settles nothing and its cost stands as given.
 */
export function settleHold(db: Db, keyId: string, taskId: string, captureMinor: number, nowMs: number): number {
  const hold = sql(db, "SELECT amount_minor FROM ledger WHERE task_id = ? AND kind = 'hold'").get(taskId) as { amount_minor: number } | undefined;
  if (!hold) return captureMinor;
  const held = Number(hold.amount_minor);
  const captured = capturable(held, captureMinor);
  const released = held - captured;
  const row = sql(db, 'UPDATE api_keys SET balance_minor = balance_minor + ? WHERE id = ? AND balance_minor IS NOT NULL RETURNING balance_minor').get(released, keyId) as
    | { balance_minor: number }
    | undefined;
  // An unlimited key (no balance) records null balances, as its hold did.
  const after = numOrNull(row?.balance_minor);
  writeLedger(db, { keyId, taskId, kind: 'capture', amountMinor: captured, balanceAfterMinor: after === null ? null : after - released, nowMs, note: null });
  writeLedger(db, { keyId, taskId, kind: 'release', amountMinor: released, balanceAfterMinor: after, nowMs, note: null });
  return captured;
}
