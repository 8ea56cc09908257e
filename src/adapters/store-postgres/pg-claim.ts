import type pg from 'pg';
import type { ClaimOptions } from '../../domain/ports.js';
import type { Task } from '../../domain/task.js';
import { toTask } from '../sql/rows.js';
import { one, run, tx, type Queryable } from './pg-db.js';

/** Keys looked at per claim: every key with pending work, best first, up to this many. */
const maxCandidates = 32;

// A task whose worker died: its lease ran out. Resuming it first keeps the upstream promise. A task
// another claimer is taking over right now is locked, and skipped rather than waited for.
const expiredSql = `SELECT id FROM tasks WHERE status = 'processing' AND lease_expires_at_ms < $1 AND engine = ANY($2::text[])
  ORDER BY lease_expires_at_ms LIMIT 1 FOR UPDATE SKIP LOCKED`;

// Fairness, as in the SQLite store: among each key's oldest available task, the key with the fewest
// running tasks goes first, then the key served least recently, then the oldest task. The keys with
// pending work are found by a skip-scan of the partial pending index (one seek per key). This is a
// plain read: the snapshot only orders the candidates; the locks below decide.
const fairSql = `WITH RECURSIVE ks(k) AS (
    SELECT MIN(key_id) FROM tasks WHERE status = 'pending'
    UNION ALL
    SELECT (SELECT MIN(key_id) FROM tasks WHERE status = 'pending' AND key_id > ks.k) FROM ks WHERE ks.k IS NOT NULL
  ),
  heads AS (
    SELECT ks.k AS key_id,
           (SELECT t.id FROM tasks t WHERE t.status = 'pending' AND t.key_id = ks.k AND t.available_at_ms <= $1
              AND t.engine = ANY($2::text[]) ORDER BY t.id LIMIT 1) AS id
    FROM ks WHERE ks.k IS NOT NULL
  ),
  running AS (SELECT key_id, COUNT(*) AS n FROM tasks WHERE status = 'processing' GROUP BY key_id)
  SELECT h.id, h.key_id, k.max_running FROM heads h
  JOIN api_keys k ON k.id = h.key_id
  LEFT JOIN running r ON r.key_id = h.key_id
  WHERE h.id IS NOT NULL AND (k.max_running IS NULL OR COALESCE(r.n, 0) < k.max_running)
  ORDER BY COALESCE(r.n, 0), COALESCE(k.last_claimed_at_ms, 0), h.id LIMIT ${maxCandidates}`;

// Re-checked under the lock: a row another claimer took after our snapshot no longer matches.
const headSql = `SELECT id FROM tasks WHERE id = $1 AND status = 'pending' AND available_at_ms <= $2 FOR UPDATE SKIP LOCKED`;
const nextOfKeySql = `SELECT id FROM tasks WHERE key_id = $1 AND status = 'pending' AND available_at_ms <= $2 AND engine = ANY($3::text[])
  ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`;

// Undoes the savepoint (letting go of the key lock taken in it) and ends it, so savepoints do not nest.
const letGo = 'ROLLBACK TO SAVEPOINT key_slot; RELEASE SAVEPOINT key_slot';

interface Candidate {
  id: string;
  key_id: string;
  max_running: number | null;
}

/**
 * Takes one claimable task in one transaction. Task rows are locked with FOR UPDATE SKIP LOCKED, so
 * concurrent claimers never take the same task and never wait for each other's task. A key with a
 * maxRunning is checked under a lock on its key row (NO KEY UPDATE: it does not block task inserts'
 * foreign-key checks), held inside a savepoint: a full key's lock is let go at once, so a claimer
 * holds at most one key lock and claimers cannot deadlock on keys.
 *
 * Pass 1 tries each candidate key's head (so concurrent claimers spread across keys, as the fairness
 * rule would serially); pass 2 takes the next unlocked task of a key whose head another claimer holds.
 */
export async function claimTask(pool: pg.Pool, opts: ClaimOptions): Promise<Task | undefined> {
  if (opts.engines.length === 0) return undefined;
  return tx(pool, async (c) => {
    const expired = await one<{ id: string }>(c, expiredSql, [opts.nowMs, opts.engines]);
    if (expired) return take(c, expired.id, opts);
    const candidates = await run<Candidate>(c, fairSql, [opts.nowMs, opts.engines]);
    const full = new Set<string>();
    for (const pass of [1, 2] as const) {
      for (const cand of candidates) {
        if (full.has(cand.key_id)) continue;
        const limited = cand.max_running !== null;
        if (limited) {
          await c.query('SAVEPOINT key_slot');
          if (!(await hasRoom(c, cand.key_id))) {
            await c.query(letGo);
            full.add(cand.key_id);
            continue;
          }
        }
        const row =
          pass === 1
            ? await one<{ id: string }>(c, headSql, [cand.id, opts.nowMs])
            : await one<{ id: string }>(c, nextOfKeySql, [cand.key_id, opts.nowMs, opts.engines]);
        if (row) return take(c, row.id, opts);
        if (limited) await c.query(letGo);
      }
    }
    return undefined;
  });
}

/** Locks the key row until commit (or savepoint rollback) and counts its running tasks afresh. */
async function hasRoom(c: Queryable, keyId: string): Promise<boolean> {
  const key = await one(c, 'SELECT max_running FROM api_keys WHERE id = $1 FOR NO KEY UPDATE', [keyId]);
  if (!key) return false;
  if (key.max_running === null) return true;
  const running = await one(c, "SELECT COUNT(*) AS n FROM tasks WHERE key_id = $1 AND status = 'processing'", [keyId]);
  return Number(running?.n ?? 0) < Number(key.max_running);
}

async function take(c: Queryable, id: string, opts: ClaimOptions): Promise<Task> {
  const row = await one(
    c,
    `UPDATE tasks SET status = 'processing', lease_owner = $2, lease_expires_at_ms = $3, attempts = attempts + 1,
       started_at_ms = COALESCE(started_at_ms, $4), updated_at_ms = $4 WHERE id = $1 RETURNING *`,
    [id, opts.workerId, opts.nowMs + opts.leaseMs, opts.nowMs],
  );
  const task = toTask(row!);
  await run(c, 'UPDATE api_keys SET last_claimed_at_ms = $2 WHERE id = $1', [task.keyId, opts.nowMs]);
  return task;
}
