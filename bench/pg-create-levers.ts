/**
 * Each lever of PostgreSQL's create speed on its own, at the store (no HTTP): 32 concurrent creators
 * on one pool of 10, every create billed (a hold on a balance), with one hot key and with 32 keys.
 * Levers, added one at a time: named prepared statements; a create as one statement (batches of one);
 * batches of up to 200 concurrent creates. Rounds alternate between the levers, each keeps its best.
 *
 * Run alone: npm run bench -- pg-levers
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { openPostgresStore, type PgOptions } from '../src/adapters/store-postgres/postgres-store.js';
import { makeKey, makeTask } from '../test/contract/store-contract.js';

const databaseUrl = process.env.WANGATE_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const creators = 32;
const seconds = 3;
const rounds = 2;
const levers: Record<string, PgOptions> = {
  unnamed_each_own_tx: { preparedStatements: false, createBatchMax: 0 },
  prepared_each_own_tx: { preparedStatements: true, createBatchMax: 0 },
  prepared_one_statement: { preparedStatements: true, createBatchMax: 1 },
  prepared_batched_200: { preparedStatements: true, createBatchMax: 200 },
};

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  await c.query(sql).finally(() => c.end());
}

async function measure(opts: PgOptions, keyCount: number): Promise<number> {
  const schema = `wangate_bench_${randomBytes(6).toString('hex')}`;
  const store = await openPostgresStore(databaseUrl, { ...opts, schema, poolSize: 10 });
  try {
    const keyIds: string[] = [];
    for (let i = 0; i < keyCount; i++) {
      const key = makeKey({ balanceMinor: 0 });
      await store.keys.insertKey(key, `hash-${key.id}`);
      await store.keys.creditKey(key.id, 1e12, Date.now(), 'bench');
      keyIds.push(key.id);
    }
    let done = 0;
    const endMs = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: creators }, async (_, c) => {
        while (performance.now() < endMs) {
          const out = await store.tasks.insertTask(makeTask(keyIds[c % keyCount]!, Date.now()), { holdMinor: 5000, maxQueued: null });
          if (out.kind !== 'created') throw new Error(`create refused: ${out.kind}`);
          done++;
        }
      }),
    );
    return done / seconds;
  } finally {
    await store.close();
    await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  }
}

export async function benchPgCreateLevers(): Promise<Record<string, number>> {
  const best: Record<string, number> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, opts] of Object.entries(levers)) {
      for (const [label, keys] of [['hot_key', 1], ['32_keys', 32]] as const) {
        const k = `${name}_${label}_per_s`;
        best[k] = Math.max(best[k] ?? 0, Math.round(await measure(opts, keys)));
      }
    }
  }
  return { ...best, load_average_1m: +os.loadavg()[0]!.toFixed(2) };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchPgCreateLevers());
