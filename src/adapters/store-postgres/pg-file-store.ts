import type pg from 'pg';
import type { FileStore, StoredFile } from '../../domain/ports.js';
import { fromFile, toFile } from '../sql/rows.js';
import { insertRow, one, run } from './pg-db.js';

export function createPgFileStore(pool: pg.Pool): FileStore {
  return {
    async insertFile(f: StoredFile) {
      const { text, values } = insertRow('files', fromFile(f));
      await run(pool, text, values);
    },
    async getFile(id) {
      const row = await one(pool, 'SELECT * FROM files WHERE id = $1', [id]);
      return row ? toFile(row) : undefined;
    },
    async listExpiredFiles(nowMs, limit) {
      return (await run(pool, 'SELECT * FROM files WHERE expires_at_ms <= $1 ORDER BY expires_at_ms LIMIT $2', [nowMs, limit])).map(toFile);
    },
    async deleteFile(id) {
      await run(pool, 'DELETE FROM files WHERE id = $1', [id]);
    },
  };
}
