/**
 * Store work written once for both engines. A unit of work is a generator that yields the statements
 * it needs and gets each one's answer back: the SQLite executor drives it synchronously inside one
 * better-sqlite3 transaction, the PostgreSQL executor drives it with awaits on one pooled client. The
 * logic (what to read, what to check, what to write) exists once; only the driving differs.
 */

export type Row = Record<string, unknown>;

/** A statement rendered for one engine (see dialect.ts); render once, run many times. */
export interface Statement {
  readonly text: string;
  /** Turns the parameters as written ($1, $2, …) into what the engine binds; null: as they are. */
  readonly bind: ((params: readonly unknown[]) => unknown[]) | null;
}

export type Step =
  | { readonly want: 'rows' | 'row' | 'count'; readonly stmt: Statement; readonly params: readonly unknown[] }
  /** Text without parameters run as is (schema changes, savepoints). */
  | { readonly want: 'script'; readonly stmt: Statement; readonly params?: undefined };

/** A unit of store work: yields statements, returns its answer. */
export type Steps<T> = Generator<Step, T, unknown>;

/** Every row the statement returns. */
export function* rows<R extends Row = Row>(stmt: Statement, params: readonly unknown[] = []): Steps<R[]> {
  return (yield { want: 'rows', stmt, params }) as R[];
}

/** The first row the statement returns, if any. */
export function* row<R extends Row = Row>(stmt: Statement, params: readonly unknown[] = []): Steps<R | undefined> {
  return (yield { want: 'row', stmt, params }) as R | undefined;
}

/** How many rows the statement changed. */
export function* count(stmt: Statement, params: readonly unknown[] = []): Steps<number> {
  return (yield { want: 'count', stmt, params }) as number;
}

export function* script(stmt: Statement): Steps<void> {
  yield { want: 'script', stmt };
}

/** An answer returned to the caller after ROLLBACK: a refusal writes nothing. */
export class Rollback<T> {
  constructor(readonly value: T) {}
}
export const rollback = <T>(value: T): Rollback<T> => new Rollback(value);

/** Runs units of work on one database. Every unit is given as a factory: a unit may be run again. */
export interface SqlExecutor {
  /** Reads, each statement on its own. */
  read<T>(work: () => Steps<T>): Promise<T>;
  /** One statement that writes, committed on its own (SQLite: in the group commit). */
  write<T>(work: () => Steps<T>): Promise<T>;
  /**
   * Several statements in one write transaction; a `Rollback` answer rolls it back. SQLite: BEGIN
   * IMMEDIATE, shared by the writes of one event-loop turn. PostgreSQL: READ COMMITTED, run again on
   * a deadlock.
   */
  transaction<T>(work: () => Steps<T | Rollback<T>>): Promise<T>;
}
