import type { Db } from './sqlite-db.js';

export interface SnapshotCache<T> {
  /**
   * Forgets everything when the database changed since the last check. Call first in each read
   * transaction: within it the snapshot, and so the answer, cannot change.
   */
  checkSnapshot(): void;
  /** The cached value of `key`, or `load(key)` (cached when defined), in a checked read transaction. */
  get(key: string, load: (key: string) => T | undefined): T | undefined;
}

/**
 * Decoded rows that stay valid only while the database file is unchanged. `total_changes()` counts
 * every row this connection has written (rolled-back writes too: they only clear the cache), and
 * `PRAGMA data_version` moves whenever another connection, such as a worker process, commits. Any
 * change clears everything: polling a task that did not change is the hot read, and a write
 * anywhere is rare next to it. The check costs well under a microsecond per read transaction; a
 * decoded task row costs several.
 */
export function createSnapshotCache<T>(db: Db, maxEntries: number): SnapshotCache<T> {
  const changesStmt = db.prepare('SELECT total_changes()').pluck();
  const versionStmt = db.prepare('PRAGMA data_version').pluck();
  let changes: unknown = null;
  let version: unknown = null;
  const entries = new Map<string, T>();
  return {
    checkSnapshot() {
      const c = changesStmt.get();
      const v = versionStmt.get();
      if (c !== changes || v !== version) {
        entries.clear();
        changes = c;
        version = v;
      }
    },
    get(key, load) {
      const hit = entries.get(key);
      if (hit !== undefined) return hit;
      const value = load(key);
      if (value === undefined) return undefined;
      // Insertion order evicts the oldest entry first; a bound keeps memory flat on any workload.
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, value);
      return value;
    },
  };
}
