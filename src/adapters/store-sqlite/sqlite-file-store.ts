import type { FileStore, StoredFile } from '../../domain/ports.js';
import { fromFile, toFile } from '../sql/rows.js';
import { insertRow, sql, type Db } from './sqlite-db.js';

export function createSqliteFileStore(db: Db): FileStore {
  return {
    async insertFile(f: StoredFile) {
      const row = fromFile(f);
      insertRow(db, 'files', row);
    },
    async getFile(id) {
      const row = sql(db, 'SELECT * FROM files WHERE id = ?').get(id) as Record<string, unknown> | undefined;
      return row ? toFile(row) : undefined;
    },
    async listExpiredFiles(nowMs, limit) {
      return (sql(db, 'SELECT * FROM files WHERE expires_at_ms <= ? ORDER BY expires_at_ms LIMIT ?').all(nowMs, limit) as Record<string, unknown>[]).map(toFile);
    },
    async deleteFile(id) {
      sql(db, 'DELETE FROM files WHERE id = ?').run(id);
    },
  };
}
