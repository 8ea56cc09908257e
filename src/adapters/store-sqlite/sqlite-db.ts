import Database from 'better-sqlite3';
import { Rollback } from '../sql/steps.js';

export type Db = Database.Database;

/**
 * Opens the embedded database: WAL so readers never block the writer, and a busy timeout so a second
 * process (a separate worker) waits for the lock instead of failing.
 */
export function openDb(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  return db;
}

/** Runs fn in a write transaction taken at once (BEGIN IMMEDIATE), so read-then-write is atomic. */
export function tx<T>(db: Db, fn: () => T): T {
  return runner(db).immediate(fn) as T;
}

const runners = new WeakMap<Db, Database.Transaction<(fn: () => unknown) => unknown>>();

/**
 * One transaction function per connection that runs whatever it is given: db.transaction() builds
 * its wrappers anew on every call, which cost more than the point read a batch often is.
 */
function runner(db: Db): Database.Transaction<(fn: () => unknown) => unknown> {
  let run = runners.get(db);
  if (!run) runners.set(db, (run = db.transaction((fn: () => unknown) => fn())));
  return run;
}

interface Pending {
  fn: () => unknown;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

/**
 * Group commit: writes asked for in the same event-loop turn share one transaction. Callers get their
 * result only after COMMIT, so durability is unchanged; the commit's fixed cost is paid once per
 * batch. Should any write in a batch throw, the whole batch is rolled back and every write is run
 * again in its own transaction, so one failing write never takes the others with it. A write that
 * throws a `Rollback` (a refusal after it wrote) is answered with its value once rolled back alone.
 */
export function createWriteBatcher(db: Db): <T>(fn: () => T) => Promise<T> {
  return createBatcher((fn) => tx(db, fn));
}

/**
 * Reads asked for in the same turn share one read transaction: in WAL mode every transaction takes
 * and drops a read lock with two system calls, which costs more than a point read itself.
 * `onTransaction` runs first inside each read transaction (a cache checks its snapshot there).
 */
export function createReadBatcher(db: Db, onTransaction?: () => void): <T>(fn: () => T) => Promise<T> {
  const begin = <T>(fn: () => T) => () => {
    onTransaction?.();
    return fn();
  };
  return createBatcher((fn) => runner(db).deferred(begin(fn)) as ReturnType<typeof fn>);
}

function createBatcher(inTransaction: <T>(fn: () => T) => T): <T>(fn: () => T) => Promise<T> {
  let queue: Pending[] = [];
  const runAlone = (item: Pending) => {
    try {
      item.resolve(inTransaction(item.fn));
    } catch (err) {
      if (err instanceof Rollback) item.resolve(err.value);
      else item.reject(err);
    }
  };
  const flush = () => {
    const batch = queue;
    queue = [];
    if (batch.length === 1) return runAlone(batch[0]!);
    let values: unknown[];
    try {
      values = inTransaction(() => batch.map((item) => item.fn()));
    } catch {
      for (const item of batch) runAlone(item);
      return;
    }
    batch.forEach((item, i) => item.resolve(values[i]));
  };
  return <T>(fn: () => T) =>
    new Promise<T>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
    });
}
