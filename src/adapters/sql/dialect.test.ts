import { describe, expect, it } from 'vitest';
import { postgresDialect, sqliteDialect } from './dialect.js';

describe('sql dialects', () => {
  it('SQLite binds $n by position, in the order the text uses them, lists as JSON', () => {
    const stmt = sqliteDialect.statement(`UPDATE t SET a = $2 WHERE id = $1 AND b >= $2 AND ${sqliteDialect.inList('c', '$3')}`);
    expect(stmt.text).toBe('UPDATE t SET a = ? WHERE id = ? AND b >= ? AND c IN (SELECT value FROM json_each(?))');
    expect(stmt.bind!(['id1', 5, ['x', 'y']])).toEqual([5, 'id1', 5, '["x","y"]']);
  });

  it('SQLite passes parameters through untouched when the text uses them in order (the insert hot path)', () => {
    expect(sqliteDialect.statement('INSERT INTO t (a, b, c) VALUES ($1, $2, $3)').bind).toBeNull();
  });

  it('PostgreSQL keeps the text and parameters as written, lists as arrays', () => {
    const text = `SELECT * FROM t WHERE id = $1 AND ${postgresDialect.inList('c', '$2')} ${postgresDialect.lock('FOR UPDATE SKIP LOCKED')}`;
    expect(postgresDialect.statement(text)).toEqual({ text: 'SELECT * FROM t WHERE id = $1 AND c = ANY($2::text[]) FOR UPDATE SKIP LOCKED', bind: null });
  });

  it('row locks exist only on PostgreSQL; the schema drops SQLite\'s WITHOUT ROWID there', () => {
    expect(sqliteDialect.lock('FOR NO KEY UPDATE')).toBe('');
    expect([sqliteDialect.greatest('a', '$1'), postgresDialect.greatest('a', '$1')]).toEqual(['MAX(a, $1)', 'GREATEST(a, $1)']);
    expect(postgresDialect.ddl('CREATE TABLE t (id TEXT PRIMARY KEY) WITHOUT ROWID;')).toBe('CREATE TABLE t (id TEXT PRIMARY KEY);');
    expect(sqliteDialect.ddl('CREATE TABLE t (id TEXT PRIMARY KEY) WITHOUT ROWID;')).toBe('CREATE TABLE t (id TEXT PRIMARY KEY) WITHOUT ROWID;');
  });
});
