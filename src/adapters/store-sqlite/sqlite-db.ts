import Database from 'better-sqlite3';
import { migrations } from '../sql/migrations.js';

export type Db = Database.Database;

/**
 * Opens the embedded database: WAL so readers never block the writer, a busy timeout so a second
 * process (a separate worker) waits for the lock instead of failing, and the numbered migrations.
 */
export function openDb(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at_ms BIGINT NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  migrations.forEach((sql, i) => {
    const version = i + 1;
    if (applied.has(version)) return;
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at_ms) VALUES (?, ?)').run(version, Date.now());
    }).immediate();
  });
}

/** Runs fn in a write transaction taken at once (BEGIN IMMEDIATE), so read-then-write is atomic. */
export function tx<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}
