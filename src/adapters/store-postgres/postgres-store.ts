import type { Stores } from '../../domain/ports.js';
import { postgresDialect } from '../sql/dialect.js';
import { lockClass, renderPlans } from '../sql/plans.js';
import { createSqlStores, migrate } from '../sql/sql-stores.js';
import { claimOnPostgres } from './pg-claim.js';
import { createBatchedInsert } from './pg-create-batch.js';
import { createPool, tx, type PgOptions } from './pg-db.js';
import { createPgExecutor, runSteps } from './pg-executor.js';

export type { PgOptions };

/**
 * Every store port on PostgreSQL: the shared store for several API and worker processes on several
 * machines. Each process opens its own pool. The migrations run once, whoever starts first: the run
 * holds a transaction-scoped advisory lock keyed by the schema, so processes starting together take
 * turns (DDL is transactional in PostgreSQL: a failed migration leaves nothing behind).
 */
export async function openPostgresStore(connectionString: string, opts: PgOptions = {}): Promise<Stores> {
  const pool = createPool(connectionString, opts);
  const plans = renderPlans(postgresDialect);
  try {
    await tx(pool, async (c) => {
      await c.query({ text: 'SELECT pg_advisory_xact_lock($1, hashtext($2))', values: [lockClass.migrate, opts.schema ?? 'public'] });
      if (opts.schema !== undefined) await c.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`);
      await runSteps(c, migrate(plans));
    });
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  const exec = createPgExecutor(pool, opts.preparedStatements ?? true);
  const stores = createSqlStores(exec, plans, claimOnPostgres, () => pool.end());
  const maxBatch = opts.createBatchMax ?? 200;
  if (maxBatch === 0) return stores;
  // Half the pool at most for create batches: reads, claims and settlements keep connections.
  const insertTask = createBatchedInsert(exec, plans, { maxBatch, maxInFlight: Math.max(1, Math.floor((opts.poolSize ?? 10) / 2)) });
  return { ...stores, tasks: { ...stores.tasks, insertTask } };
}
