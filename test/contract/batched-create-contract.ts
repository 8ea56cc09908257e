/**
 * Creates arriving together (one event-loop turn) are batched by a store (PostgreSQL: one statement
 * per batch; SQLite: one group commit). Whatever the batching, each create gets exactly the outcome it
 * would have had alone, in the order the creates were asked for, and a refused or failing create
 * changes nothing for its neighbours.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiKey } from '../../src/domain/account.js';
import type { InsertTaskOptions, InsertTaskOutcome } from '../../src/domain/ports.js';
import { makeKey, makeTask, type StoreUnderTest } from './store-contract.js';

const t0 = 1_700_000_000_000;

export function runBatchedCreateContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`batched creates: ${name}`, () => {
    let s: StoreUnderTest;
    let clock = t0;
    beforeEach(async () => {
      s = await open();
    });
    afterEach(async () => {
      await s.close();
    });

    async function keyWith(balanceMinor: number | null, maxQueued: number | null = null): Promise<ApiKey> {
      const key = makeKey({ balanceMinor: balanceMinor === null ? null : 0, limits: { requestsPerMinute: null, maxRunning: null, maxQueued } });
      await s.keys.insertKey(key, `hash-${key.id}`);
      if (balanceMinor) await s.keys.creditKey(key.id, balanceMinor, t0, 'top-up');
      return key;
    }
    /** Asks for every create in the same turn, so they share batches. */
    const createAll = (asks: { key: ApiKey; opts: InsertTaskOptions }[]) =>
      Promise.all(asks.map(({ key, opts }) => s.tasks.insertTask(makeTask(key.id, ++clock), opts)));
    const hold = (holdMinor: number | null, maxQueued: number | null = null): InsertTaskOptions => ({ holdMinor, maxQueued });
    const kinds = (outs: InsertTaskOutcome[]) => outs.map((o) => o.kind);
    const holdsOf = async (key: ApiKey) =>
      (await s.ledger.listLedger({ keyId: key.id, limit: 1000 })).filter((e) => e.kind === 'hold').sort((a, b) => a.createdAtMs - b.createdAtMs);

    it('one key: holds are taken in order, a refused hold in the middle leaves its neighbours and the balance as if it was never asked', async () => {
      const key = await keyWith(10_000);
      const outs = await createAll([3000, 3000, 5000, 3000, 1000].map((h) => ({ key, opts: hold(h) })));
      expect(kinds(outs)).toEqual(['created', 'created', 'insufficient_balance', 'created', 'created']);
      expect(outs[2]).toEqual({ kind: 'insufficient_balance', balanceMinor: 4000, neededMinor: 5000 });
      expect((await s.keys.getKey(key.id))!.balanceMinor).toBe(0);
      expect((await holdsOf(key)).map((e) => [e.amountMinor, e.balanceAfterMinor])).toEqual([[3000, 7000], [3000, 4000], [3000, 1000], [1000, 0]]);
      expect(await s.tasks.listTasks({ keyId: key.id, limit: 10 })).toHaveLength(4);
    });

    it('32 keys at once: each key keeps its own balance, and an unlimited key still writes a hold', async () => {
      const keys = await Promise.all(Array.from({ length: 32 }, () => keyWith(1000)));
      const unlimited = await keyWith(null);
      const asks = [0, 1, 2].flatMap(() => [...keys.map((key) => ({ key, opts: hold(400) })), { key: unlimited, opts: hold(400) }]);
      const outs = await createAll(asks);
      for (const [k, key] of keys.entries()) {
        expect([0, 1, 2].map((round) => outs[round * 33 + k]!.kind)).toEqual(['created', 'created', 'insufficient_balance']);
        expect((await s.keys.getKey(key.id))!.balanceMinor).toBe(200);
      }
      expect((await holdsOf(unlimited)).map((e) => e.balanceAfterMinor)).toEqual([null, null, null]);
      expect((await s.keys.getKey(unlimited.id))!.balanceMinor).toBeNull();
    });

    it('a queue limit reached in the middle of a batch refuses only the creates past it', async () => {
      const limited = await keyWith(10_000, 2);
      const other = await keyWith(10_000);
      const asks = [1, 2, 3, 4].flatMap(() => [{ key: limited, opts: hold(1000, 2) }, { key: other, opts: hold(1000) }]);
      const outs = await createAll(asks);
      expect(kinds(outs)).toEqual(['created', 'created', 'created', 'created', 'queue_full', 'created', 'queue_full', 'created']);
      expect(outs[4]).toEqual({ kind: 'queue_full', queued: 2, max: 2 });
      expect((await s.keys.getKey(limited.id))!.balanceMinor).toBe(8000);
      expect((await s.keys.getKey(other.id))!.balanceMinor).toBe(6000);
    });

    it('replays an idempotency key asked for twice in one batch: one task, one hold, and a different body refused', async () => {
      const key = await keyWith(10_000);
      const idem = (requestHash: string) => ({ ...hold(1000), idempotency: { key: 'same', requestHash, windowMs: 86_400_000 } });
      const outs = await createAll([
        { key, opts: idem('h1') },
        { key, opts: hold(1000) },
        { key, opts: idem('h1') },
        { key, opts: idem('h2') },
        { key, opts: idem('h1') },
      ]);
      expect(kinds(outs)).toEqual(['created', 'created', 'existing', 'idempotency_conflict', 'existing']);
      const first = outs[0] as { task: { id: string } };
      expect((outs[2] as { task: { id: string } }).task.id).toBe(first.task.id);
      expect((outs[4] as { task: { id: string } }).task.id).toBe(first.task.id);
      expect(await holdsOf(key)).toHaveLength(2);
      expect((await s.keys.getKey(key.id))!.balanceMinor).toBe(8000);
    });

    it('a refused create with an idempotency key leaves no entry behind: the same key succeeds once the balance allows', async () => {
      const key = await keyWith(1000);
      const idem = { key: 'retry-me', requestHash: 'h', windowMs: 86_400_000 };
      const outs = await createAll([{ key, opts: hold(800) }, { key, opts: { ...hold(800), idempotency: idem } }, { key, opts: hold(200) }]);
      expect(kinds(outs)).toEqual(['created', 'insufficient_balance', 'created']);
      await s.keys.creditKey(key.id, 800, ++clock, 'top-up');
      expect((await s.tasks.insertTask(makeTask(key.id, ++clock), { ...hold(800), idempotency: idem })).kind).toBe('created');
    });

    it('a create that fails (its key does not exist) fails alone; the creates batched with it are made', async () => {
      const key = await keyWith(10_000);
      const ghost = makeKey();
      const results = await Promise.allSettled([
        s.tasks.insertTask(makeTask(key.id, ++clock), hold(1000)),
        s.tasks.insertTask(makeTask(ghost.id, ++clock), hold(null)),
        s.tasks.insertTask(makeTask(key.id, ++clock), hold(1000)),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((await s.keys.getKey(key.id))!.balanceMinor).toBe(8000);
      expect(await s.tasks.listTasks({ keyId: ghost.id, limit: 10 })).toHaveLength(0);
    });
  });
}
