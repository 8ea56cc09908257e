import type pg from 'pg';
import type { Rollback, SqlExecutor, Statement, Step, Steps } from '../sql/steps.js';
import { tx, type Queryable } from './pg-db.js';

// A statement whose result columns are named in its text: its cached plan stays valid across
// another process's migration. `SELECT *` / `RETURNING *` ones are not (see runStep).
const fixedShape = (text: string) => !/(SELECT|RETURNING)\s+\*/i.test(text);
const names = new WeakMap<Statement, string | null>();
let named = 0;

/** The statement's server-side name (parsed once per connection), or null: sent unnamed, re-parsed. */
function nameOf(stmt: Statement): string | null {
  let name = names.get(stmt);
  if (name === undefined) names.set(stmt, (name = fixedShape(stmt.text) ? `wg${++named}` : null));
  return name;
}

/**
 * Runs one statement, as a named prepared statement when its result shape is fixed: parsing and
 * planning once per connection saves work on every hot write. A `SELECT *` goes unnamed: its cached
 * plan would fail with "cached plan must not change result type" once another process, in a rolling
 * upgrade, has migrated a table this process still reads. A script (no parameters) goes as a simple
 * query, which may hold several statements.
 */
async function runStep(db: Queryable, step: Step, prepared: boolean): Promise<unknown> {
  if (step.want === 'script') return void (await db.query({ text: step.stmt.text }));
  const name = prepared ? nameOf(step.stmt) : null;
  const result = await db.query({ text: step.stmt.text, values: step.params as unknown[], ...(name !== null && { name }) });
  return step.want === 'rows' ? result.rows : step.want === 'row' ? result.rows[0] : result.rowCount;
}

/** Drives a unit of work on one connection (or the pool), one statement at a time. */
export async function runSteps<T>(db: Queryable, work: Steps<T>, prepared = true): Promise<T> {
  let next = work.next();
  while (!next.done) next = work.next(await runStep(db, next.value, prepared));
  return next.value;
}

/**
 * Runs the shared units of work on node-postgres. Reads and single writes go to the pool (autocommit:
 * no BEGIN/COMMIT round trips); transactions take one pooled client (pg-db.ts).
 */
export function createPgExecutor(pool: pg.Pool, prepared = true): SqlExecutor {
  return {
    read: (make) => runSteps(pool, make(), prepared),
    write: (make) => runSteps(pool, make(), prepared),
    transaction: <T>(make: () => Steps<T | Rollback<T>>) => tx<T>(pool, (c) => runSteps(c, make(), prepared)),
  };
}
