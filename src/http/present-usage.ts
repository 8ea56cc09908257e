import type { LedgerEntry } from '../domain/account.js';
import { toMajor, type PriceTable } from '../domain/pricing.js';
import type { UsageQuery, UsageReport } from '../app/usage.js';
import type { UsageJson } from '../present/response-schemas.js';

const seconds = (ms: number) => Math.floor(ms / 1000);

/** The usage query of both usage routes (unix-second range, cursor), as the use case takes it. */
export function toUsageQuery(q: { limit: number; from?: number | undefined; to?: number | undefined; after?: string | undefined }): UsageQuery {
  return {
    limit: q.limit,
    ...(q.from !== undefined && { fromMs: q.from * 1000 }),
    ...(q.to !== undefined && { toMs: q.to * 1000 }),
    ...(q.after !== undefined && { beforeId: q.after }),
  };
}

export function presentLedgerEntry(e: LedgerEntry, prices: PriceTable): UsageJson['entries'][number] {
  return {
    id: e.id,
    key_id: e.keyId,
    task_id: e.taskId,
    kind: e.kind,
    amount: toMajor(prices, e.amountMinor),
    balance_after: e.balanceAfterMinor === null ? null : toMajor(prices, e.balanceAfterMinor),
    created: seconds(e.createdAtMs),
    note: e.note,
  };
}

export function presentUsage(r: UsageReport, prices: PriceTable): UsageJson {
  const m = (minor: number) => toMajor(prices, minor);
  return {
    currency: prices.currency,
    totals: {
      credited: m(r.totals.creditedMinor),
      held: m(r.totals.heldMinor),
      captured: m(r.totals.capturedMinor),
      released: m(r.totals.releasedMinor),
      outstanding: m(r.totals.outstandingMinor),
      tasks: r.totals.tasks,
    },
    entries: r.entries.map((e) => presentLedgerEntry(e, prices)),
    next_cursor: r.nextCursor,
  };
}
