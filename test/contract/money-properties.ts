/**
 * Money invariants under random histories: submits, claims by several workers on several store
 * connections ("processes"), completions, failures, cancels racing completions, crashes (lease
 * expiry and takeover) and restarts. After every step: money is conserved, no hold is settled twice,
 * no balance is negative, no key owns more than the maximum balance, and every finished task has
 * exactly one settlement.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balanceEffect, maxBalanceMinor, type LedgerEntry } from '../../src/domain/account.js';
import { billedSecondsOf, holdSecondsOf } from '../../src/domain/model-registry.js';
import { parseCreateRequest } from '../../src/domain/request.js';
import { billedCostMinor, quoteMinor } from '../../src/domain/pricing.js';
import type { Task } from '../../src/domain/task.js';
import { familyPrices, keysCount, limitOpArb, opArb, type LimitOp, type Op } from './money-ops.js';
import { makeKey, makeTask, type StoreUnderTest } from './store-contract.js';

export interface SharedStore {
  /** A new connection to the same database (another process). */
  connect(): Promise<StoreUnderTest>;
  /**
   * Empties every table but the migrations' record, from a connection of its own (as another process
   * would), so each history starts from an empty store without a new database, migration and pools.
   */
  reset(): Promise<void>;
  destroy(): Promise<void>;
}

/** Runs every history of a property on one shared store and its connections, closed whatever happens. */
async function onShared(
  openShared: () => Promise<SharedStore>,
  connections: number,
  run: (shared: SharedStore, conns: StoreUnderTest[]) => Promise<void>,
): Promise<void> {
  const shared = await openShared();
  const conns: StoreUnderTest[] = [];
  try {
    for (let i = 0; i < connections; i++) conns.push(await shared.connect());
    await run(shared, conns);
  } finally {
    for (const c of conns) await c.close();
    await shared.destroy();
  }
}

const leaseMs = 10_000;
const result = { blobKey: 'results/x.mp4', width: 1280, height: 720, durationSeconds: 5, fps: 30, bytes: 1 };

/** What a key owns: its balance plus its holds not yet captured or released. */
function ownedMinor(balanceMinor: number, entries: LedgerEntry[], keyId: string): number {
  const sign = { hold: 1, capture: -1, release: -1, credit: 0 } as const;
  return balanceMinor + entries.filter((e) => e.keyId === keyId).reduce((sum, e) => sum + sign[e.kind] * e.amountMinor, 0);
}

/** The seconds a family task's render measured: its own output, reference videos and source. */
function billedOf(task: Task, op: Extract<Op, { kind: 'completeBilled' }>): number {
  const r = task.request;
  const source = op.sourceVideoSeconds;
  const outputSeconds = r.model === 'wan2.7-videoedit' && r.durationSeconds === 0 ? source : r.durationSeconds;
  const videos = r.model === 'wan2.7-r2v' ? op.referenceVideoSeconds.slice(0, r.referenceVideos.length) : [];
  return billedSecondsOf(r, { outputSeconds, referenceVideoSeconds: videos, sourceVideoSeconds: Math.max(source, r.durationSeconds) });
}

async function checkInvariants(s: StoreUnderTest, keyIds: string[], taskIds: string[]): Promise<void> {
  // Nothing runs between steps, so the reads may go together: one round of a pool, one read batch.
  const [entries, keys, tasks, totals] = await Promise.all([
    s.ledger.listLedger({ limit: 100_000 }),
    Promise.all(keyIds.map((id) => s.keys.getKey(id))),
    Promise.all(taskIds.map((id) => s.tasks.getTask(id))),
    s.ledger.usageTotals({}),
  ]);
  for (const [i, keyId] of keyIds.entries()) {
    const key = keys[i]!;
    const mine = entries.filter((e) => e.keyId === keyId);
    const expected = mine.reduce((sum, e) => sum + balanceEffect(e.kind, e.amountMinor), 0);
    expect(key.balanceMinor).not.toBeNull();
    expect(key.balanceMinor!).toBeGreaterThanOrEqual(0);
    expect(key.balanceMinor).toBe(expected);
    expect(ownedMinor(key.balanceMinor!, entries, keyId)).toBeLessThanOrEqual(maxBalanceMinor);
  }
  for (const [i, id] of taskIds.entries()) {
    const task = tasks[i]!;
    const of = (kind: string) => entries.filter((e) => e.taskId === id && e.kind === kind);
    expect(of('hold')).toHaveLength(1);
    const settled = task.status === 'completed' || task.status === 'failed' || task.status === 'cancelled';
    expect(of('capture')).toHaveLength(settled ? 1 : 0);
    expect(of('release')).toHaveLength(settled ? 1 : 0);
    if (settled) {
      expect(of('capture')[0]!.amountMinor + of('release')[0]!.amountMinor).toBe(of('hold')[0]!.amountMinor);
      expect(task.costMinor).toBe(task.status === 'completed' ? of('capture')[0]!.amountMinor : 0);
    }
  }
  const balances = keys.reduce((sum, k) => sum + k!.balanceMinor!, 0);
  // Conservation: everything credited is either spendable, held, or captured.
  expect(totals.creditedMinor).toBe(balances + totals.outstandingMinor + totals.capturedMinor);
}

/** One history of the main property on a store just emptied, checked after every step. */
async function runHistory(shared: SharedStore, conns: StoreUnderTest[], ops: Op[]): Promise<void> {
  let nowMs = 1_700_000_000_000;
  const keyIds: string[] = [];
  for (let i = 0; i < keysCount; i++) {
    const key = makeKey({ balanceMinor: 0 });
    await conns[0]!.keys.insertKey(key, `h-${key.id}`);
    await conns[0]!.keys.creditKey(key.id, 5000, nowMs, 'start');
    keyIds.push(key.id);
  }
  const taskIds: string[] = [];
  const holding = new Map<number, Task>();
  const conn = (w: number) => conns[w % conns.length]!;
  const pickTask = (n: number) => taskIds[n % Math.max(1, taskIds.length)];

  for (const op of ops) {
    nowMs += 1;
    switch (op.kind) {
      case 'submit': {
        const task = makeTask(keyIds[op.key]!, nowMs);
        const out = await conns[0]!.tasks.insertTask(task, { holdMinor: op.holdMinor, maxQueued: null });
        if (out.kind === 'created') taskIds.push(task.id);
        else expect(out.kind).toBe('insufficient_balance');
        break;
      }
      case 'claim': {
        if (holding.has(op.worker)) break;
        const t = await conn(op.worker).tasks.claimTask({ workerId: `w${op.worker}`, nowMs, leaseMs, engines: ['local'] });
        if (t) holding.set(op.worker, t);
        break;
      }
      case 'complete':
      case 'fail': {
        const t = holding.get(op.worker);
        if (!t) break;
        holding.delete(op.worker);
        if (op.kind === 'complete') await conn(op.worker).tasks.completeTask(t.id, `w${op.worker}`, nowMs, result, op.costMinor, null);
        else await conn(op.worker).tasks.failTask(t.id, ['processing'], `w${op.worker}`, nowMs, { code: 'internal', message: 'x', reason: 'x' });
        break;
      }
      case 'cancel': {
        const id = pickTask(op.pick);
        if (id) await conns[1]!.tasks.cancelTask(id, ['pending', 'processing'], nowMs);
        break;
      }
      case 'race': {
        // A cancel and a completion arrive together on two connections: one wins, once.
        const t = holding.get(op.worker);
        const id = t?.id ?? pickTask(op.pick);
        if (!id) break;
        holding.delete(op.worker);
        const results = await Promise.all([
          conns[0]!.tasks.completeTask(id, `w${op.worker}`, nowMs, result, op.costMinor, null),
          conns[1]!.tasks.cancelTask(id, ['pending', 'processing'], nowMs),
        ]);
        expect(results.filter(Boolean).length).toBeLessThanOrEqual(1);
        break;
      }
      case 'crash':
        // The worker dies holding its task: only the lease expiry gives it to another.
        holding.delete(op.worker);
        break;
      case 'tick':
        nowMs += op.ms;
        break;
      case 'restart':
        await conns[op.conn]!.close();
        conns[op.conn] = await shared.connect();
        break;
      case 'credit':
        await conns[0]!.keys.creditKey(keyIds[op.key]!, op.amountMinor, nowMs, 'adjust');
        break;
      case 'submitModel': {
        const request = parseCreateRequest(op.body, () => 1);
        const holdMinor = quoteMinor(familyPrices, request.resolution, holdSecondsOf(request));
        const task = makeTask(keyIds[op.key]!, nowMs, { request, mode: request.mode, quoteMinor: holdMinor });
        const out = await conns[0]!.tasks.insertTask(task, { holdMinor, maxQueued: null });
        if (out.kind === 'created') taskIds.push(task.id);
        else expect(out.kind).toBe('insufficient_balance');
        break;
      }
      case 'completeBilled': {
        const t = holding.get(op.worker);
        // Only family tasks: the plain submits above hold an amount unrelated to a price.
        if (!t || t.request.model === 'wan2.7') break;
        holding.delete(op.worker);
        const costMinor = billedCostMinor(t.quoteMinor, holdSecondsOf(t.request), billedOf(t, op));
        // The hold is the model's upper bound: what it bills never exceeds it.
        expect(Number.isInteger(costMinor)).toBe(true);
        expect(costMinor).toBeLessThanOrEqual(t.quoteMinor);
        expect(costMinor).toBe(Math.round((t.quoteMinor / holdSecondsOf(t.request)) * Math.ceil(billedOf(t, op) - 1e-9)));
        const won = await conn(op.worker).tasks.completeTask(t.id, `w${op.worker}`, nowMs, result, costMinor, null);
        if (won) expect((await conns[0]!.tasks.getTask(t.id))!.costMinor).toBe(costMinor);
        break;
      }
    }
    await checkInvariants(conns[0]!, keyIds, taskIds);
  }
}

/** One history near the maximum balance, on one connection to a store just emptied. */
async function runLimitHistory(s: StoreUnderTest, ops: LimitOp[]): Promise<void> {
  let nowMs = 1_700_000_000_000;
  const key = makeKey({ balanceMinor: 0 });
  await s.keys.insertKey(key, `h-${key.id}`);
  const pending: string[] = [];
  for (const op of ops) {
    nowMs += 1;
    const before = (await s.keys.getKey(key.id))!.balanceMinor!;
    const entriesBefore = await s.ledger.listLedger({ keyId: key.id, limit: 100_000 });
    if (op.kind === 'credit') {
      const owned = ownedMinor(before, entriesBefore, key.id);
      const expected = before + op.amountMinor < 0 ? 'negative_balance' : op.amountMinor > 0 && owned + op.amountMinor > maxBalanceMinor ? 'balance_too_large' : 'ok';
      expect((await s.keys.creditKey(key.id, op.amountMinor, nowMs, 'adjust')).kind).toBe(expected);
      if (expected !== 'ok') expect(await s.ledger.listLedger({ keyId: key.id, limit: 100_000 })).toHaveLength(entriesBefore.length);
    } else if (op.kind === 'submit') {
      const task = makeTask(key.id, nowMs);
      const out = await s.tasks.insertTask(task, { holdMinor: op.holdMinor, maxQueued: null });
      expect(out.kind).toBe(op.holdMinor <= before ? 'created' : 'insufficient_balance');
      if (out.kind === 'created') pending.push(task.id);
    } else if (pending.length > 0) {
      const [id] = pending.splice(op.pick % pending.length, 1);
      await s.tasks.cancelTask(id!, ['pending'], nowMs);
    }
    const balance = (await s.keys.getKey(key.id))!.balanceMinor!;
    const entries = await s.ledger.listLedger({ keyId: key.id, limit: 100_000 });
    expect(balance).toBe(entries.reduce((sum, e) => sum + balanceEffect(e.kind, e.amountMinor), 0));
    expect(balance).toBeGreaterThanOrEqual(0);
    expect(ownedMinor(balance, entries, key.id)).toBeLessThanOrEqual(maxBalanceMinor);
  }
}

export function runMoneyProperties(name: string, openShared: () => Promise<SharedStore>, numRuns = 150): void {
  describe(`money invariants: ${name}`, () => {
    it('conserves money and settles every hold exactly once under random histories', async () => {
      await onShared(openShared, 2, (shared, conns) =>
        fc.assert(
          fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 60 }), async (ops) => {
            await shared.reset();
            await runHistory(shared, conns, ops);
          }),
          { numRuns },
        ),
      );
      // 150 histories, each from an emptied store: the limit bounds a hang on cores other suites share.
    }, 300_000);

    it('never lets a key own more than the maximum balance: a credit past it is refused and writes nothing', async () => {
      await onShared(openShared, 1, (shared, [s]) =>
        fc.assert(
          fc.asyncProperty(fc.array(limitOpArb, { minLength: 3, maxLength: 25 }), async (ops) => {
            await shared.reset();
            await runLimitHistory(s!, ops);
          }),
          { numRuns: Math.max(10, Math.round(numRuns / 4)) },
        ),
      );
    }, 120_000);
  });
}
