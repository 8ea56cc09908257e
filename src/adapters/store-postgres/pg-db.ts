import pg from 'pg';
import { migrations } from '../sql/migrations.js';

export type Row = Record<string, unknown>;

/** Anything that runs a query: the pool (one statement, autocommit) or a client inside a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow = Row>(config: pg.QueryConfig): Promise<pg.QueryResult<R>>;
}

/** Advisory lock classes (the first key of the two-key form), so our locks never meet another app's. */
export const lockClass = { migrate: 0x5747_0001, channel: 0x5747_0002 } as const;

/**
 * Runs one parameterised statement. Deliberately unnamed (not a server-side prepared statement): a
 * cached plan of `SELECT *` fails with "cached plan must not change result type" once another
 * process, in a rolling upgrade, has migrated a table this process still reads.
 */
export async function run<R extends pg.QueryResultRow = Row>(db: Queryable, text: string, values: unknown[] = []): Promise<R[]> {
  return (await db.query<R>({ text, values })).rows;
}

export async function one<R extends pg.QueryResultRow = Row>(db: Queryable, text: string, values: unknown[] = []): Promise<R | undefined> {
  return (await run<R>(db, text, values))[0];
}

/** A transaction outcome that is returned to the caller after ROLLBACK: a refusal writes nothing. */
export class Rollback<T> {
  constructor(readonly value: T) {}
}
export const rollback = <T>(value: T): Rollback<T> => new Rollback(value);

/** deadlock_detected, serialization_failure: the transaction did nothing and may simply run again. */
const retryableCodes = new Set(['40P01', '40001']);
const maxTries = 5;

/**
 * Runs fn in one READ COMMITTED transaction on one pooled connection. Correctness under concurrency
 * comes from row locks (FOR UPDATE / SKIP LOCKED), compare-and-set UPDATEs and unique indexes, not
 * from the isolation level. A deadlock (which PostgreSQL breaks by aborting one side) is retried.
 */
export async function tx<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T | Rollback<T>>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken: Error | undefined;
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
      const code = (err as { code?: string }).code;
      if (!broken && code && retryableCodes.has(code) && attempt < maxTries) continue;
      throw err;
    } finally {
      client.release(broken);
    }
  }
}

const schemaName = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export interface PgOptions {
  /** Tables live in this schema (created if missing); default: the server's search_path (public). */
  schema?: string;
  /** Connections in this process's pool (default 10). */
  poolSize?: number;
  /** Give up connecting (or waiting for a free pooled connection) after this long; default: wait. */
  connectTimeoutMs?: number;
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

/** The shared migrations in PostgreSQL's dialect: only SQLite's `WITHOUT ROWID` is dropped. */
export function toPostgres(sql: string): string {
  return sql.replace(/\s+WITHOUT\s+ROWID\b/gi, '');
}

/**
 * Applies the numbered migrations once. The whole run holds a transaction-scoped advisory lock keyed
 * by the schema, so processes starting together wait for each other instead of racing (DDL is
 * transactional in PostgreSQL: a failed migration leaves nothing behind).
 */
export async function migrate(pool: pg.Pool, schema: string | undefined): Promise<void> {
  await tx(pool, async (c) => {
    await c.query({ text: 'SELECT pg_advisory_xact_lock($1, hashtext($2))', values: [lockClass.migrate, schema ?? 'public'] });
    if (schema !== undefined) await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at_ms BIGINT NOT NULL)');
    const applied = new Set((await c.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const [i, sql] of migrations.entries()) {
      const version = i + 1;
      if (applied.has(version)) continue;
      await c.query(toPostgres(sql));
      await c.query({ text: 'INSERT INTO schema_migrations (version, applied_at_ms) VALUES ($1, $2)', values: [version, Date.now()] });
    }
  });
}

/** `$1, $2, …` from `start`. */
export const params = (n: number, start = 1): string => Array.from({ length: n }, (_, i) => `$${start + i}`).join(', ');

/** INSERT text and values for a row object (the rows.ts mappers give the columns). */
export function insertRow(table: string, row: Row): { text: string; values: unknown[] } {
  const cols = Object.keys(row);
  return { text: `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${params(cols.length)})`, values: Object.values(row) };
}
