import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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
  return {
    connect: async () => openSqliteStore(file, { checkpointIntervalMs: 5 }),
    destroy: () => rm(dir, { recursive: true, force: true }),
  };
});
