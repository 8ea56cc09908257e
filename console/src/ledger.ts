import { csv, day, money, toMinor } from './format.js';
import type { LedgerEntry } from './types.js';

export interface DayTotals {
  day: string;
  /** Local midnight, unix seconds (the chart's x). */
  atSeconds: number;
  creditedMinor: number;
  capturedMinor: number;
}

/** Totals per day of what is shown, summed in integer minor units. */
export function totalsPerDay(entries: readonly LedgerEntry[]): DayTotals[] {
  const byDay = new Map<string, DayTotals>();
  for (const e of entries) {
    const key = day(e.created);
    let t = byDay.get(key);
    if (!t) {
      const [y, m, d] = key.split('-').map(Number);
      t = { day: key, atSeconds: new Date(y!, m! - 1, d!).getTime() / 1000, creditedMinor: 0, capturedMinor: 0 };
      byDay.set(key, t);
    }
    if (e.kind === 'credit') t.creditedMinor += toMinor(e.amount);
    if (e.kind === 'capture') t.capturedMinor += toMinor(e.amount);
  }
  return [...byDay.values()].sort((a, b) => a.atSeconds - b.atSeconds);
}

/** The ledger rows shown, as CSV: exact decimal amounts, ISO times. */
export function ledgerCsv(entries: readonly LedgerEntry[]): string {
  return csv([
    ['created', 'key_id', 'kind', 'amount', 'balance_after', 'task_id', 'note'],
    ...entries.map((e) => [
      new Date(e.created * 1000).toISOString(),
      e.key_id,
      e.kind,
      money(toMinor(e.amount)),
      e.balance_after === null ? '' : money(toMinor(e.balance_after)),
      e.task_id ?? '',
      e.note ?? '',
    ]),
  ]);
}
