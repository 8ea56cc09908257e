import type { ClaimOptions } from '../../domain/ports.js';
import type { Task } from '../../domain/task.js';
import { postgresDialect } from '../sql/dialect.js';
import { claimCandidates, type Plans } from '../sql/plans.js';
import { row, rows, script, type Steps } from '../sql/steps.js';
import { take } from '../sql/task-store.js';

// PostgreSQL only (SQLite's one writer needs none of it, see sqlite-store.ts): re-checked under the
// lock, so a row another claimer took after our snapshot no longer matches; locked rows are skipped.
const st = (text: string) => postgresDialect.statement(text);
const lockHead = st(`SELECT id FROM tasks WHERE id = $1 AND status = 'pending' AND available_at_ms <= $2 FOR UPDATE SKIP LOCKED`);
const lockNextOfKey = st(`SELECT id FROM tasks WHERE key_id = $1 AND status = 'pending' AND available_at_ms <= $2 AND engine = ANY($3::text[])
  ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`);
const lockKeyLimit = st('SELECT max_running FROM api_keys WHERE id = $1 FOR NO KEY UPDATE');
const countRunning = st("SELECT COUNT(*) AS n FROM tasks WHERE key_id = $1 AND status = 'processing'");
const savepoint = st('SAVEPOINT key_slot');
// Undoes the savepoint (letting go of the key lock taken in it) and ends it, so savepoints do not nest.
const letGo = st('ROLLBACK TO SAVEPOINT key_slot; RELEASE SAVEPOINT key_slot');

type Candidate = { id: string; key_id: string; max_running: number | null };

/**
 * PostgreSQL's own claim, one transaction: claimers run side by side on many processes, so unlike
 * SQLite's it locks what it takes. Task rows are locked with FOR UPDATE SKIP LOCKED, so concurrent
 * claimers never take the same task and never wait for each other's task. A key with a maxRunning is
 * checked under a lock on its key row (NO KEY UPDATE: it does not block task inserts' foreign-key
 * checks), held inside a savepoint: a full key's lock is let go at once, so a claimer holds at most
 * one key lock and claimers cannot deadlock on keys.
 *
 * Pass 1 tries each candidate key's head (so concurrent claimers spread across keys, as the fairness
 * rule would serially); pass 2 takes the next unlocked task of a key whose head another claimer holds.
 */
export function* claimOnPostgres(s: Plans, opts: ClaimOptions): Steps<Task | undefined> {
  const expired = yield* row(s.claimExpired, [opts.nowMs, opts.engines]);
  if (expired) return yield* take(s, String(expired.id), opts);
  const candidates = yield* rows<Candidate>(s.claimCandidates, [opts.nowMs, opts.engines, claimCandidates]);
  const full = new Set<string>();
  for (const pass of [1, 2] as const) {
    for (const cand of candidates) {
      if (full.has(cand.key_id)) continue;
      const limited = cand.max_running !== null;
      if (limited) {
        yield* script(savepoint);
        if (!(yield* hasRoom(cand.key_id))) {
          yield* script(letGo);
          full.add(cand.key_id);
          continue;
        }
      }
      const locked = pass === 1 ? yield* row(lockHead, [cand.id, opts.nowMs]) : yield* row(lockNextOfKey, [cand.key_id, opts.nowMs, opts.engines]);
      if (locked) return yield* take(s, String(locked.id), opts);
      if (limited) yield* script(letGo);
    }
  }
  return undefined;
}

/** Locks the key row until commit (or savepoint rollback) and counts its running tasks afresh. */
function* hasRoom(keyId: string): Steps<boolean> {
  const key = yield* row(lockKeyLimit, [keyId]);
  if (!key) return false;
  if (key.max_running === null) return true;
  const running = yield* row(countRunning, [keyId]);
  return Number(running?.n ?? 0) < Number(key.max_running);
}
