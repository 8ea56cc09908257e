import type { Stores } from '../../domain/ports.js';
import { createReadBatcher, createWriteBatcher, openDb } from './sqlite-db.js';
import { createSqliteFileStore } from './sqlite-file-store.js';
import { createSqliteKeyStore } from './sqlite-key-store.js';
import { createSqliteTaskStore } from './sqlite-task-store.js';
import { createSqliteWebhookStore } from './sqlite-webhook-store.js';

/** Every store port on one embedded SQLite file. */
export function openSqliteStore(file: string): Stores {
  const db = openDb(file);
  const keys = createSqliteKeyStore(db);
  return {
    tasks: createSqliteTaskStore(db, createWriteBatcher(db), createReadBatcher(db)),
    keys,
    ledger: keys,
    files: createSqliteFileStore(db),
    webhooks: createSqliteWebhookStore(db),
    async close() {
      db.close();
    },
  };
}
