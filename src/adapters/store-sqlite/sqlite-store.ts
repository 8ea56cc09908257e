import type { Stores } from '../../domain/ports.js';
import { startCheckpointThread } from './checkpoint-thread.js';
import { openDb } from './sqlite-db.js';
import { createSqliteFileStore } from './sqlite-file-store.js';
import { createSqliteKeyStore } from './sqlite-key-store.js';
import { createSqliteTaskStore } from './sqlite-task-store.js';
import { createSqliteWebhookStore } from './sqlite-webhook-store.js';

export interface SqliteStoreOptions {
  /** Checkpoint the WAL on a thread of its own this often (the server's default); 0: on commit, as SQLite does. */
  checkpointIntervalMs?: number;
}

/** Every store port on one embedded SQLite file. */
export function openSqliteStore(file: string, opts: SqliteStoreOptions = {}): Stores {
  const db = openDb(file);
  const checkpoints = opts.checkpointIntervalMs ? startCheckpointThread(db, file, opts.checkpointIntervalMs) : null;
  const keys = createSqliteKeyStore(db);
  return {
    tasks: createSqliteTaskStore(db),
    keys,
    ledger: keys,
    files: createSqliteFileStore(db),
    webhooks: createSqliteWebhookStore(db),
    async close() {
      await checkpoints?.close();
      db.close();
    },
  };
}
