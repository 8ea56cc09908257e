import pg from 'pg';
import { Rollback } from '../sql/steps.js';

export type Row = Record<string, unknown>;

/** Anything that runs a query: the pool (one statement, autocommit) or a client inside a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow = Row>(config: pg.QueryConfig): Promise<pg.QueryResult<R>>;
}

/** deadlock_detected, serialization_failure: the transaction did nothing and may simply run again. */
const retryableCodes = new Set(['40P01', '40001']);
const isRetryable = (err: unknown): boolean => retryableCodes.has((err as { code?: string }).code ?? '');
const maxTries = 5;

/**
 * Runs attempt again while it fails in a way that left nothing done (a deadlock PostgreSQL broke by
 * aborting this side, a serialization failure), up to maxTries in all; any other failure is thrown.
 */
export async function retryTransient<T>(attempt: () => Promise<T>, retryable: (err: unknown) => boolean = isRetryable): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (err) {
      if (tries >= maxTries || !retryable(err)) throw err;
    }
  }
}

/**
 * Runs fn in one READ COMMITTED transaction on one pooled connection. Correctness under concurrency
 * comes from row locks (FOR UPDATE / SKIP LOCKED), compare-and-set UPDATEs and unique indexes, not
 * from the isolation level. A deadlock (which PostgreSQL breaks by aborting one side) is retried.
 */
export async function tx<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T | Rollback<T>>): Promise<T> {
  let broken: Error | undefined;
  return retryTransient(
    async () => {
      const client = await pool.connect();
      broken = undefined;
      try {
        await client.query('BEGIN');
        const out = await fn(client);
        if (out instanceof Rollback) {
          await client.query('ROLLBACK');
          return out.value;
        }
        await client.query('COMMIT');
        return out;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch {
          // The connection itself failed: do not give it back to the pool.
          broken = err as Error;
        }
        throw err;
      } finally {
        client.release(broken);
      }
    },
    // A broken connection is not retried: the failure was not a deadlock of ours.
    (err) => !broken && isRetryable(err),
  );
}

const schemaName = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export interface PgOptions {
  /** Tables live in this schema (created if missing); default: the server's search_path (public). */
  schema?: string;
  /** Connections in this process's pool (default 10). */
  poolSize?: number;
  /** Give up connecting (or waiting for a free pooled connection) after this long; default: wait. */
  connectTimeoutMs?: number;
  /** Most creates batched into one transaction (default 200); 0: each create its own transaction. */
  createBatchMax?: number;
  /** Send fixed-shape statements as named prepared statements (default true). */
  preparedStatements?: boolean;
}

export function createPool(connectionString: string, opts: PgOptions): pg.Pool {
  if (opts.schema !== undefined && !schemaName.test(opts.schema)) throw new Error(`invalid PostgreSQL schema name: ${opts.schema}`);
  const pool = new pg.Pool({
    connectionString,
    max: opts.poolSize ?? 10,
    ...(opts.connectTimeoutMs !== undefined && { connectionTimeoutMillis: opts.connectTimeoutMs }),
    // Every connection resolves table names in our schema only.
    ...(opts.schema !== undefined && { options: `-c search_path=${opts.schema}` }),
  });
  // An idle connection that the server closes emits 'error'; the pool drops it and connects anew
  // on the next checkout. Without a listener Node would treat it as uncaught and exit.
  pool.on('error', () => undefined);
  return pool;
}
