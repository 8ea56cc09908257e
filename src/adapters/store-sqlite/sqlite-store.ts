import type { ClaimOptions, Stores } from '../../domain/ports.js';
import type { Task } from '../../domain/task.js';
import { sqliteDialect } from '../sql/dialect.js';
import { renderPlans, type Plans } from '../sql/plans.js';
import { toTask } from '../sql/rows.js';
import { createSqlStores, migrate } from '../sql/sql-stores.js';
import { row, type Row, type Steps } from '../sql/steps.js';
import { take } from '../sql/task-store.js';
import { startCheckpointThread } from './checkpoint-thread.js';
import { createSqliteExecutor, type SqliteExecutor } from './sqlite-executor.js';
import { createSnapshotCache } from './snapshot-cache.js';
import { createReadBatcher, openDb, tx, type Db } from './sqlite-db.js';

export interface SqliteStoreOptions {
  /** Checkpoint the WAL on a thread of its own this often (the server's default); 0: on commit, as SQLite does. */
  checkpointIntervalMs?: number;
}

/**
 * SQLite's own claim (PostgreSQL's differs, see pg-claim.ts): the one writer holds the whole database
 * from BEGIN IMMEDIATE to COMMIT, so no other claimer can take the best candidate meanwhile, and the
 * candidate query has already left out keys at their maxRunning. Nothing to lock, skip or re-check.
 */
function* claimOnSqlite(s: Plans, opts: ClaimOptions): Steps<Task | undefined> {
  const pick = (yield* row(s.claimExpired, [opts.nowMs, opts.engines])) ?? (yield* row(s.claimCandidates, [opts.nowMs, opts.engines, 1]));
  return pick ? yield* take(s, String(pick.id), opts) : undefined;
}

/**
 * Task reads, the hot read (a client polling its task): reads of one event-loop turn share one read
 * transaction, and decoded tasks are kept until the database changes (snapshot-cache.ts). Frozen: one
 * decoded task is shared by every caller.
 */
function createCachedTaskReads(db: Db, exec: SqliteExecutor, s: Plans): (id: string) => Promise<Task | undefined> {
  const byId = exec.prepared(s.taskById);
  const cache = createSnapshotCache<Task>(db, 10_000);
  const read = createReadBatcher(db, cache.checkSnapshot);
  const getFrozen = (id: string) => {
    const found = byId.get(id) as Row | undefined;
    if (!found) return undefined;
    const task = toTask(found);
    for (const part of [task.request, task.result, task.error]) if (part) Object.freeze(part);
    return Object.freeze(task);
  };
  return (id) => read(() => cache.get(id, getFrozen));
}

/** Every store port on one embedded SQLite file. */
export function openSqliteStore(file: string, opts: SqliteStoreOptions = {}): Stores {
  const db = openDb(file);
  const exec = createSqliteExecutor(db);
  const plans = renderPlans(sqliteDialect);
  try {
    tx(db, () => exec.runNow(migrate(plans)));
  } catch (err) {
    db.close();
    throw err;
  }
  const checkpoints = opts.checkpointIntervalMs ? startCheckpointThread(db, file, opts.checkpointIntervalMs) : null;
  const stores = createSqlStores(exec, plans, claimOnSqlite, async () => {
    await checkpoints?.close();
    db.close();
  });
  return { ...stores, tasks: { ...stores.tasks, getTask: createCachedTaskReads(db, exec, plans) } };
}
