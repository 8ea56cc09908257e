import type Database from 'better-sqlite3';
import { Rollback, type SqlExecutor, type Statement, type Step, type Steps } from '../sql/steps.js';
import { createWriteBatcher, type Db } from './sqlite-db.js';

export interface SqliteExecutor extends SqlExecutor {
  /** Runs a unit of work now, synchronously, inside whatever transaction the caller has open. */
  runNow<T>(work: Steps<T>): T;
  /** The statement prepared on this connection (once: preparing costs more than running). */
  prepared(stmt: Statement): Database.Statement;
}

/**
 * Runs the shared units of work on better-sqlite3, synchronously: a unit never yields to the event
 * loop, so one whole unit runs inside one transaction. Reads run at once, each statement on its own;
 * writes join the group commit (sqlite-db.ts), several units under one BEGIN IMMEDIATE.
 */
export function createSqliteExecutor(db: Db): SqliteExecutor {
  const cache = new Map<Statement, Database.Statement>();
  const prepared = (stmt: Statement) => {
    let p = cache.get(stmt);
    if (!p) cache.set(stmt, (p = db.prepare(stmt.text)));
    return p;
  };
  const runStep = (step: Step): unknown => {
    if (step.want === 'script') return void db.exec(step.stmt.text);
    const p = prepared(step.stmt);
    // An array binds by position: the cheapest way better-sqlite3 binds (see dialect.ts).
    const params = (step.stmt.bind ? step.stmt.bind(step.params) : step.params) as unknown[];
    return step.want === 'rows' ? p.all(params) : step.want === 'row' ? p.get(params) : p.run(params).changes;
  };
  const runNow = <T>(work: Steps<T>): T => {
    let next = work.next();
    while (!next.done) next = work.next(runStep(next.value));
    return next.value;
  };
  const batch = createWriteBatcher(db);
  const inBatch = <T>(make: () => Steps<T | Rollback<T>>): Promise<T> =>
    batch(() => {
      const out = runNow(make());
      // Thrown so the transaction rolls back; the batcher answers with the value (sqlite-db.ts).
      if (out instanceof Rollback) throw out;
      return out as T;
    });
  return {
    runNow,
    prepared,
    read: async (make) => runNow(make()),
    write: inBatch,
    transaction: inBatch,
  };
}
