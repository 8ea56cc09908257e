import type { ApiKey } from '../../domain/account.js';

/** Authentication answers from memory for this long; a revoke in another process takes effect after it. */
const authCacheMs = 1000;
const maxEntries = 10_000;

/**
 * Every request authenticates: a store keeps recent lookups by secret hash (a miss, "no such key",
 * included) and forgets them all on any key write of its own.
 */
export function createAuthCache() {
  const entries = new Map<string, { key: ApiKey | undefined; atMs: number }>();
  return {
    /** The remembered answer, or null when there is none fresh enough. */
    get(secretHash: string, nowMs: number): { key: ApiKey | undefined } | null {
      const hit = entries.get(secretHash);
      return hit && nowMs - hit.atMs < authCacheMs ? hit : null;
    },
    set(secretHash: string, key: ApiKey | undefined, nowMs: number): void {
      if (entries.size > maxEntries) entries.clear();
      entries.set(secretHash, { key, atMs: nowMs });
    },
    clear(): void {
      entries.clear();
    },
  };
}
