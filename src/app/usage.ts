import type { LedgerEntry, UsageTotals } from '../domain/account.js';
import type { AppDeps } from './deps.js';

export interface UsageQuery {
  keyId?: string;
  fromMs?: number;
  toMs?: number;
  limit: number;
  beforeId?: string;
}

export interface UsageReport {
  totals: UsageTotals;
  entries: LedgerEntry[];
  nextCursor: string | null;
}

/** Ledger entries (newest first, cursor-paged) and totals for one key or, for admins, all keys. */
export async function usageReport(deps: Pick<AppDeps, 'ledger'>, q: UsageQuery): Promise<UsageReport> {
  const range = {
    ...(q.keyId !== undefined && { keyId: q.keyId }),
    ...(q.fromMs !== undefined && { fromMs: q.fromMs }),
    ...(q.toMs !== undefined && { toMs: q.toMs }),
  };
  const [totals, entries] = await Promise.all([
    deps.ledger.usageTotals(range),
    deps.ledger.listLedger({ ...range, limit: q.limit + 1, ...(q.beforeId !== undefined && { beforeId: q.beforeId }) }),
  ]);
  const more = entries.length > q.limit;
  const page = more ? entries.slice(0, q.limit) : entries;
  return { totals, entries: page, nextCursor: more ? page[page.length - 1]!.id : null };
}
