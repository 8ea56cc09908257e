import type { Statement } from './steps.js';

/**
 * What differs between SQLite and PostgreSQL in the statements we write, and nothing more. Statements
 * are written once, in PostgreSQL's notation ($1, $2, …), with these words spliced in, and rendered
 * per engine once, when a store opens. `RETURNING` and `INSERT … ON CONFLICT … DO NOTHING` read the
 * same in both engines (SQLite ≥ 3.35), and no statement reads the database's clock (every time
 * comes from the caller's clock, so tests can step it), so neither needs an entry here.
 */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  /**
   * Whether rows (and advisory keys) can be locked. PostgreSQL runs transactions side by side and
   * locks what they touch; SQLite has one writer, which holds the whole database from BEGIN IMMEDIATE
   * to COMMIT, so its lock clauses render as nothing and lock-only statements are left out.
   */
  readonly locksRows: boolean;
  /** A row-lock clause, or '' where there are none. */
  lock(clause: 'FOR UPDATE' | 'FOR NO KEY UPDATE' | 'FOR UPDATE SKIP LOCKED'): string;
  /** The larger of two values. */
  greatest(a: string, b: string): string;
  /** `column` is one of the list bound at `param` (pass the list itself as that parameter). */
  inList(column: string, param: string): string;
  /** Schema text (migrations) for this engine. */
  ddl(text: string): string;
  /** A statement written with $1, $2, … rendered for this engine. */
  statement(text: string): Statement;
}

export const postgresDialect: Dialect = {
  name: 'postgres',
  locksRows: true,
  lock: (clause) => clause,
  greatest: (a, b) => `GREATEST(${a}, ${b})`,
  inList: (column, param) => `${column} = ANY(${param}::text[])`,
  // `WITHOUT ROWID` (SQLite: the ULID key is the table's own order) is the one SQLite word in the schema.
  ddl: (text) => text.replace(/\s+WITHOUT\s+ROWID\b/gi, ''),
  statement: (text) => ({ text, bind: null }),
};

const listParam = /json_each\(\$(\d+)\)/g;

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  locksRows: false,
  lock: () => '',
  greatest: (a, b) => `MAX(${a}, ${b})`,
  // A list travels as one JSON parameter, so one prepared statement serves lists of any length.
  inList: (column, param) => `${column} IN (SELECT value FROM json_each(${param}))`,
  ddl: (text) => text,
  statement(text) {
    const lists = new Set([...text.matchAll(listParam)].map((m) => Number(m[1]) - 1));
    // better-sqlite3 binds `?1` by name, which costs more than the statement on a wide insert: each
    // `$n` becomes a positional `?`, and the parameters are put in that order (and lists as JSON).
    const order: number[] = [];
    const rendered = text.replace(/\$(\d+)/g, (_, n: string) => {
      order.push(Number(n) - 1);
      return '?';
    });
    const asIs = lists.size === 0 && order.every((n, i) => n === i);
    const bind = asIs
      ? null
      : lists.size === 0
        ? (params: readonly unknown[]) => order.map((n) => params[n])
        : (params: readonly unknown[]) => order.map((n) => (lists.has(n) ? JSON.stringify(params[n]) : params[n]));
    return { text: rendered, bind };
  },
};
