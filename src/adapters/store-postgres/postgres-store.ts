import type { Stores } from '../../domain/ports.js';
import { createPool, migrate, type PgOptions } from './pg-db.js';
import { createPgFileStore } from './pg-file-store.js';
import { createPgKeyStore } from './pg-key-store.js';
import { createPgTaskStore } from './pg-task-store.js';
import { createPgWebhookStore } from './pg-webhook-store.js';

export type { PgOptions };

/**
 * Every store port on PostgreSQL: the shared store for several API and worker processes on several
 * machines. Each process opens its own pool; the migrations run once, whoever starts first.
 */
export async function openPostgresStore(connectionString: string, opts: PgOptions = {}): Promise<Stores> {
  const pool = createPool(connectionString, opts);
  try {
    await migrate(pool, opts.schema);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  const keys = createPgKeyStore(pool);
  return {
    tasks: createPgTaskStore(pool),
    keys,
    ledger: keys,
    files: createPgFileStore(pool),
    webhooks: createPgWebhookStore(pool),
    close: () => pool.end(),
  };
}
