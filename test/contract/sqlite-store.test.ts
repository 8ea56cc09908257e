import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/adapters/store-sqlite/sqlite-store.js';
import { runBatchedCreateContract } from './batched-create-contract.js';
import { runMoneyProperties } from './money-properties.js';
import { runStoreContract } from './store-contract.js';

const openSqlite = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-store-'));
  // A checkpoint thread on a short interval, so checkpoints run while the contract's writes do.
  const store = openSqliteStore(path.join(dir, 'test.db'), { checkpointIntervalMs: 5 });
  return {
    ...store,
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
};

runStoreContract('sqlite', openSqlite);
runBatchedCreateContract('sqlite', openSqlite);

// Two connections to one file stand for two processes sharing the embedded database.
runMoneyProperties('sqlite', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-money-'));
  const file = path.join(dir, 'money.db');
  // Opened at the first reset, when the stores have created the file and its tables.
  let admin: Database.Database | undefined;
  const openAdmin = () => {
    const db = new Database(file);
    db.pragma('busy_timeout = 10000');
    // Every row goes, so none is left dangling: without the check the tables may go in any order.
    db.pragma('foreign_keys = OFF');
    return db;
  };
  return {
    connect: async () => openSqliteStore(file, { checkpointIntervalMs: 5 }),
    async reset() {
      const db = (admin ??= openAdmin());
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'").pluck().all() as string[];
      db.transaction(() => {
        for (const table of tables) db.exec(`DELETE FROM ${table}`);
      }).immediate();
    },
    async destroy() {
      admin?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
