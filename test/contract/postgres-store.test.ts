/**
 * The PostgreSQL store against a real server: the shared contract, the money properties with two
 * pools standing for two processes, and concurrency on many pools at once. Each store instance gets
 * its own schema (dropped after), so test files running in parallel never meet. Without a reachable
 * PostgreSQL these tests fail, on purpose: CI has one.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stores } from '../../src/domain/ports.js';
import { migrations } from '../../src/adapters/sql/migrations.js';
import { openPostgresStore } from '../../src/adapters/store-postgres/postgres-store.js';
import type { InsertTaskOutcome } from '../../src/domain/ports.js';
import type { Task } from '../../src/domain/task.js';
import { runBatchedCreateContract } from './batched-create-contract.js';
import { runMoneyProperties } from './money-properties.js';
import { makeKey, makeTask, runStoreContract } from './store-contract.js';

const url = process.env.WANGATE_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const t0 = 1_700_000_000_000;
const leaseMs = 30_000;
const result = { blobKey: 'results/x.mp4', width: 1280, height: 720, durationSeconds: 5, fps: 30, bytes: 1 };

const newSchema = () => `wangate_test_${randomBytes(6).toString('hex')}`;

function unreachable(err: unknown): Error {
  return new Error(
    `PostgreSQL is not reachable at ${url} (${(err as Error).message}). These tests need a real PostgreSQL; ` +
      'start one or point WANGATE_TEST_DATABASE_URL at one (CI has it).',
  );
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw unreachable(err);
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function dropSchema(schema: string): Promise<void> {
  await admin((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
}

async function open(schema: string, poolSize = 4): Promise<Stores> {
  try {
    return await openPostgresStore(url, { schema, poolSize, connectTimeoutMs: 5000 });
  } catch (err) {
    if ((err as { code?: string }).code === 'ECONNREFUSED' || /timeout|ENOTFOUND|EAI_AGAIN/i.test((err as Error).message)) throw unreachable(err);
    throw err;
  }
}

describe('postgres test database', () => {
  it('is reachable (these tests fail, never skip, without it)', async () => {
    const row = await admin(async (c) => (await c.query('SELECT 1 AS ok')).rows[0]);
    expect(row).toEqual({ ok: 1 });
  });
});

const openPostgres = async () => {
  const schema = newSchema();
  const store = await open(schema);
  return {
    ...store,
    async close() {
      await store.close();
      await dropSchema(schema);
    },
  };
};

runStoreContract('postgres', openPostgres);
runBatchedCreateContract('postgres', openPostgres);

// Each connect() is a new pool on the same schema: another process.
runMoneyProperties('postgres', async () => {
  const schema = newSchema();
  let client: pg.Client | undefined;
  return {
    connect: () => open(schema, 2),
    async reset() {
      if (!client) {
        client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
        await client.connect();
      }
      const { rows } = await client.query<{ name: string }>(
        "SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname = $1 AND tablename <> 'schema_migrations'",
        [schema],
      );
      // One statement for all tables: foreign keys are checked at its end, when every row is gone, so
      // the order is free. DELETE, not TRUNCATE: on tables this small TRUNCATE's new files cost ~100 ms.
      await client.query(`WITH ${rows.map((t, i) => `d${i} AS (DELETE FROM ${t.name})`).join(', ')} SELECT 1`);
    },
    async destroy() {
      await client?.end();
      await dropSchema(schema);
    },
  };
});

describe('postgres store under concurrency (8 pools = 8 processes)', () => {
  const schema = newSchema();
  let stores: Stores[] = [];
  beforeAll(async () => {
    // All eight start together: the migration lock makes them take turns, not collide.
    stores = await Promise.all(Array.from({ length: 8 }, () => open(schema, 4)));
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await dropSchema(schema);
  });

  async function newKey(balanceMinor: number | null, maxRunning: number | null = null) {
    const key = makeKey({ balanceMinor: balanceMinor === null ? null : 0, limits: { requestsPerMinute: null, maxRunning, maxQueued: null } });
    await stores[0]!.keys.insertKey(key, `hash-${key.id}`);
    if (balanceMinor) await stores[0]!.keys.creditKey(key.id, balanceMinor, t0, 'top-up');
    return key;
  }

  /** Claims until the store says there is nothing left, on `loops` claimers per pool. */
  async function claimAll(workerPrefix: string, loops: number, nowMs: number): Promise<Task[]> {
    const claimed: Task[] = [];
    await Promise.all(
      stores.flatMap((s, p) =>
        Array.from({ length: loops }, async (_, l) => {
          for (;;) {
            const t = await s.tasks.claimTask({ workerId: `${workerPrefix}-${p}-${l}`, nowMs, leaseMs, engines: ['local'] });
            if (!t) return;
            claimed.push(t);
          }
        }),
      ),
    );
    return claimed;
  }

  it('migrations ran exactly once although eight processes started together', async () => {
    const rows = await admin(async (c) => (await c.query(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`)).rows);
    expect(rows).toEqual(migrations.map((_, i) => ({ version: i + 1 })));
  });

  it('200 tasks claimed by 32 claimers on 8 pools: every task exactly once, none left', async () => {
    const keys = await Promise.all(Array.from({ length: 10 }, () => newKey(null)));
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      const task = makeTask(keys[i % keys.length]!.id, t0 + i);
      ids.push(task.id);
      await stores[i % 8]!.tasks.insertTask(task, { holdMinor: null, maxQueued: null });
    }
    const claimed = await claimAll('w', 4, t0 + 10_000);
    expect(claimed).toHaveLength(200);
    expect(new Set(claimed.map((t) => t.id)).size).toBe(200);
    expect(new Set(claimed.map((t) => t.id))).toEqual(new Set(ids));
    for (const t of claimed) expect(t).toMatchObject({ status: 'processing', attempts: 1 });
    expect(await stores[0]!.tasks.listPending()).toHaveLength(0);
    // Nothing to take until the leases run out, then each task once more.
    expect(await stores[3]!.tasks.claimTask({ workerId: 'late', nowMs: t0 + 10_001, leaseMs, engines: ['local'] })).toBeUndefined();
    const takenOver = await claimAll('x', 4, t0 + 10_000 + leaseMs + 1);
    expect(takenOver).toHaveLength(200);
    expect(new Set(takenOver.map((t) => t.id)).size).toBe(200);
    for (const t of takenOver) expect(t.attempts).toBe(2);
    await Promise.all(takenOver.map((t) => stores[0]!.tasks.cancelTask(t.id, ['processing'], t0 + 50_000)));
  });

  it('concurrent claimers never start more of a key\'s tasks than its maxRunning', async () => {
    const key = await newKey(null, 3);
    for (let i = 0; i < 40; i++) await stores[0]!.tasks.insertTask(makeTask(key.id, t0 + i), { holdMinor: null, maxQueued: null });
    const claimed = await claimAll('m', 4, t0 + 1000);
    expect(claimed).toHaveLength(3);
    const running = await stores[0]!.tasks.listTasks({ keyId: key.id, statuses: ['processing'], limit: 100 });
    expect(running).toHaveLength(3);
    await Promise.all(claimed.map((t) => stores[0]!.tasks.cancelTask(t.id, ['processing'], t0 + 2000)));
    const pending = await stores[0]!.tasks.listTasks({ keyId: key.id, statuses: ['pending'], limit: 100 });
    await Promise.all(pending.map((t) => stores[0]!.tasks.cancelTask(t.id, ['pending'], t0 + 2000)));
  });

  it('20 concurrent submits with one idempotency key create one task and one hold', async () => {
    const key = await newKey(100_000);
    const idem = { key: 'same-request', requestHash: 'h1', windowMs: 86_400_000 };
    const outcomes: InsertTaskOutcome[] = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stores[i % 8]!.tasks.insertTask(makeTask(key.id, t0 + i), { holdMinor: 5000, maxQueued: null, idempotency: idem })),
    );
    const created = outcomes.filter((o) => o.kind === 'created');
    expect(created).toHaveLength(1);
    const winner = (created[0] as { task: Task }).task.id;
    for (const o of outcomes) expect(o).toMatchObject({ task: { id: winner } });
    expect(await stores[0]!.tasks.listTasks({ keyId: key.id, limit: 100 })).toHaveLength(1);
    expect((await stores[0]!.keys.getKey(key.id))!.balanceMinor).toBe(95_000);
    expect((await stores[0]!.ledger.listLedger({ keyId: key.id, limit: 100 })).filter((e) => e.kind === 'hold')).toHaveLength(1);
    await stores[0]!.tasks.cancelTask(winner, ['pending'], t0 + 100);
  });

  it('concurrent holds never drive a balance below zero, and refused ones write nothing', async () => {
    const key = await newKey(12_000);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stores[i % 8]!.tasks.insertTask(makeTask(key.id, t0 + i), { holdMinor: 5000, maxQueued: null })),
    );
    expect(outcomes.filter((o) => o.kind === 'created')).toHaveLength(2);
    expect(outcomes.filter((o) => o.kind === 'insufficient_balance')).toHaveLength(18);
    expect((await stores[0]!.keys.getKey(key.id))!.balanceMinor).toBe(2000);
    const tasks = await stores[0]!.tasks.listTasks({ keyId: key.id, limit: 100 });
    expect(tasks).toHaveLength(2);
    await Promise.all(tasks.map((t) => stores[0]!.tasks.cancelTask(t.id, ['pending'], t0 + 100)));
    expect((await stores[0]!.keys.getKey(key.id))!.balanceMinor).toBe(12_000);
  });

  it('batches on 8 pools at once never queue past a key\'s limit nor hold past its balance, and other keys are not held back', async () => {
    const limited = await newKey(1_000_000);
    const poor = await newKey(12_000);
    const rich = await newKey(1_000_000);
    const outcomes = await Promise.all(
      Array.from({ length: 48 }, (_, i) => {
        const [key, opts] = [
          [limited, { holdMinor: 1000, maxQueued: 5 }],
          [poor, { holdMinor: 5000, maxQueued: null }],
          [rich, { holdMinor: 1000, maxQueued: null }],
        ][i % 3]! as [typeof limited, { holdMinor: number; maxQueued: number | null }];
        return stores[i % 8]!.tasks.insertTask(makeTask(key.id, t0 + i), opts);
      }),
    );
    const created = (n: number) => outcomes.filter((o, i) => i % 3 === n && o.kind === 'created').length;
    expect([created(0), created(1), created(2)]).toEqual([5, 2, 16]);
    expect(outcomes.filter((o, i) => i % 3 === 0 && o.kind !== 'created').every((o) => o.kind === 'queue_full')).toBe(true);
    expect((await stores[0]!.keys.getKey(limited.id))!.balanceMinor).toBe(995_000);
    expect((await stores[0]!.keys.getKey(poor.id))!.balanceMinor).toBe(2000);
    expect((await stores[0]!.keys.getKey(rich.id))!.balanceMinor).toBe(984_000);
    // The pool's later claims must find none of these.
    for (const key of [limited, poor, rich]) {
      const tasks = await stores[0]!.tasks.listTasks({ keyId: key.id, limit: 100 });
      await Promise.all(tasks.map((t) => stores[0]!.tasks.cancelTask(t.id, ['pending'], t0 + 100)));
    }
  });

  it('completes, fails and cancels racing on different pools settle each task exactly once', async () => {
    const key = await newKey(1_000_000);
    const tasks = Array.from({ length: 40 }, (_, i) => makeTask(key.id, t0 + i, { callbackUrl: 'https://hooks.example.com/x' }));
    for (const t of tasks) await stores[0]!.tasks.insertTask(t, { holdMinor: 5000, maxQueued: null });
    const claimed = await claimAll('r', 2, t0 + 1000);
    expect(claimed).toHaveLength(40);
    const wins = await Promise.all(
      claimed.map(async (t, i) => {
        const results = await Promise.all([
          stores[i % 8]!.tasks.completeTask(t.id, t.leaseOwner!, t0 + 2000, result, 3000, null),
          stores[(i + 1) % 8]!.tasks.cancelTask(t.id, ['pending', 'processing'], t0 + 2000),
          stores[(i + 2) % 8]!.tasks.failTask(t.id, ['processing'], t.leaseOwner!, t0 + 2000, { code: 'internal', message: 'x', reason: 'x' }),
          stores[(i + 3) % 8]!.tasks.cancelTask(t.id, ['processing'], t0 + 2000),
        ]);
        return results.filter(Boolean).length;
      }),
    );
    expect(wins).toEqual(claimed.map(() => 1));
    const entries = await stores[0]!.ledger.listLedger({ keyId: key.id, limit: 1000 });
    let completed = 0;
    for (const t of tasks) {
      const mine = entries.filter((e) => e.taskId === t.id);
      expect(mine.filter((e) => e.kind === 'capture')).toHaveLength(1);
      expect(mine.filter((e) => e.kind === 'release')).toHaveLength(1);
      const final = (await stores[0]!.tasks.getTask(t.id))!;
      if (final.status === 'completed') completed++;
      expect(final.costMinor).toBe(final.status === 'completed' ? 3000 : 0);
      expect(await stores[0]!.webhooks.listDeliveries(t.id)).toHaveLength(1);
    }
    expect((await stores[0]!.keys.getKey(key.id))!.balanceMinor).toBe(1_000_000 - completed * 3000);
    expect((await stores[0]!.ledger.usageTotals({ keyId: key.id })).outstandingMinor).toBe(0);
  });

  it('concurrent acquirers never exceed a channel\'s slots', async () => {
    const key = await newKey(null);
    for (let i = 0; i < 30; i++) await stores[0]!.tasks.insertTask(makeTask(key.id, t0 + i), { holdMinor: null, maxQueued: null });
    const claimed = await claimAll('c', 2, t0 + 1000);
    expect(claimed).toHaveLength(30);
    const channels = [
      { id: `ch_a_${schema}`, max: 3 },
      { id: `ch_b_${schema}`, max: 2 },
    ];
    const got = await Promise.all(claimed.map((t, i) => stores[i % 8]!.tasks.acquireChannel(t.id, t.leaseOwner!, i % 2 ? channels : [...channels].reverse())));
    expect(got.filter((c) => c === channels[0]!.id)).toHaveLength(3);
    expect(got.filter((c) => c === channels[1]!.id)).toHaveLength(2);
    expect(got.filter((c) => c === null)).toHaveLength(25);
    await Promise.all(claimed.map((t) => stores[0]!.tasks.cancelTask(t.id, ['processing'], t0 + 2000)));
  });

  it('two senders on different pools never lease the same webhook delivery', async () => {
    const key = await newKey(null);
    const tasks = Array.from({ length: 30 }, (_, i) => makeTask(key.id, t0 + i, { callbackUrl: 'https://hooks.example.com/y' }));
    for (const t of tasks) {
      await stores[0]!.tasks.insertTask(t, { holdMinor: null, maxQueued: null });
      await stores[0]!.tasks.cancelTask(t.id, ['pending'], t0 + 100);
    }
    const batches = await Promise.all(stores.map((s, i) => s.webhooks.claimDueDeliveries(`sender${i}`, t0 + 200, 30_000, 10)));
    const ids = batches.flat().filter((d) => tasks.some((t) => t.id === d.taskId)).map((d) => d.id);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
  });
});
