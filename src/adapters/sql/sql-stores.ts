import type { Stores } from '../../domain/ports.js';
import { createFileStore, createWebhookStore } from './file-webhook-stores.js';
import { createKeyStore } from './key-store.js';
import { createSessionStore } from './session-store.js';
import type { Plans } from './plans.js';
import { count, rows, script, type SqlExecutor, type Steps } from './steps.js';
import { createTaskStore, type Claim } from './task-store.js';

/** Applies the numbered migrations not yet applied; the executor runs this in one write transaction. */
export function* migrate(s: Plans): Steps<void> {
  yield* script(s.migrationsTable);
  const applied = new Set((yield* rows(s.appliedMigrations)).map((r) => Number(r.version)));
  for (const [i, ddl] of s.migrations.entries()) {
    if (applied.has(i + 1)) continue;
    yield* script(ddl);
    yield* count(s.recordMigration, [i + 1, Date.now()]);
  }
}

/** Every store port over one executor; the engine supplies its claim and closing. */
export function createSqlStores(exec: SqlExecutor, s: Plans, claim: Claim, close: () => Promise<void>): Stores {
  const keys = createKeyStore(exec, s);
  return {
    tasks: createTaskStore(exec, s, claim),
    keys,
    ledger: keys,
    files: createFileStore(exec, s),
    webhooks: createWebhookStore(exec, s),
    sessions: createSessionStore(exec, s),
    close,
  };
}
