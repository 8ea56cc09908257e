import type pg from 'pg';
import type { Rollback, SqlExecutor, Step, Steps } from '../sql/steps.js';
import { tx, type Queryable } from './pg-db.js';

/**
 * Runs one statement. Deliberately unnamed (not a server-side prepared statement): a cached plan of
 * `SELECT *` fails with "cached plan must not change result type" once another process, in a rolling
 * upgrade, has migrated a table this process still reads. A script (no parameters) goes as a simple
 * query, which may hold several statements.
 */
async function runStep(db: Queryable, step: Step): Promise<unknown> {
  const result = await db.query({ text: step.stmt.text, values: step.want === 'script' ? undefined : (step.params as unknown[]) });
  return step.want === 'rows' ? result.rows : step.want === 'row' ? result.rows[0] : step.want === 'count' ? result.rowCount : undefined;
}

/** Drives a unit of work on one connection (or the pool), one statement at a time. */
export async function runSteps<T>(db: Queryable, work: Steps<T>): Promise<T> {
  let next = work.next();
  while (!next.done) next = work.next(await runStep(db, next.value));
  return next.value;
}

/**
 * Runs the shared units of work on node-postgres. Reads and single writes go to the pool (autocommit:
 * no BEGIN/COMMIT round trips); transactions take one pooled client (pg-db.ts).
 */
export function createPgExecutor(pool: pg.Pool): SqlExecutor {
  return {
    read: (make) => runSteps(pool, make()),
    write: (make) => runSteps(pool, make()),
    transaction: <T>(make: () => Steps<T | Rollback<T>>) => tx<T>(pool, (c) => runSteps(c, make())),
  };
}
