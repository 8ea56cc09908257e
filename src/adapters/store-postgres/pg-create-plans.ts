/**
 * The statements of PostgreSQL's batched create (pg-create-batch.ts). One statement decides and writes
 * a whole batch: it locks the batch's keys (in id order, so batches never deadlock each other), walks
 * each key's requests in arrival order exactly as one-at-a-time creates would (queue limit first, then
 * the hold against what is left of the balance), then takes each key's accepted holds from its
 * balance in one UPDATE and writes the accepted holds and tasks. A refused request writes nothing and
 * leaves what its neighbours see unchanged.
 */
import { postgresDialect } from '../sql/dialect.js';
import { taskColumns } from '../sql/rows.js';

const st = (text: string) => postgresDialect.statement(text);
const cols = taskColumns.join(', ');

/** $1: the requests as a JSON array (see BatchRequest), $2: their task rows (fromTask) as a JSON array. */
const createBatch = st(`WITH RECURSIVE req AS (
    SELECT r.ord, r.task_id, r.key_id, r.hold, r.max_queued, r.ledger_id, r.now_ms FROM json_to_recordset($1::json) AS r(ord INT, task_id TEXT, key_id TEXT, hold BIGINT, max_queued BIGINT, ledger_id TEXT, now_ms BIGINT)
  ),
  keys AS MATERIALIZED (
    SELECT id, balance_minor FROM api_keys WHERE id IN (SELECT key_id FROM req) ORDER BY id FOR NO KEY UPDATE
  ),
  -- Pending tasks are counted only for keys with a queue limit (the caller locked those keys first,
  -- so this statement's snapshot already holds every task committed before the lock was ours).
  start AS (
    SELECT r.key_id, k.id IS NOT NULL AS found, k.balance_minor,
      CASE WHEN r.limited THEN (SELECT COUNT(*) FROM tasks t WHERE t.key_id = r.key_id AND t.status = 'pending') ELSE 0 END AS queued
    FROM (SELECT key_id, bool_or(max_queued IS NOT NULL) AS limited FROM req GROUP BY key_id) r LEFT JOIN keys k ON k.id = r.key_id
  ),
  ranked AS (SELECT req.*, ROW_NUMBER() OVER (PARTITION BY key_id ORDER BY ord) AS n FROM req),
  -- Row n of a key: the decision on its n-th request and the key's state after it (row 0: the start).
  walk (key_id, n, found, left_minor, queued, ok, queue_ok, balance_before, queued_before) AS (
    SELECT key_id, 0::bigint, found, balance_minor, queued, NULL::boolean, NULL::boolean, NULL::bigint, NULL::bigint FROM start
    UNION ALL
    SELECT w.key_id, r.n, w.found,
      CASE WHEN d.ok AND r.hold IS NOT NULL THEN w.left_minor - r.hold ELSE w.left_minor END,
      w.queued + CASE WHEN d.ok THEN 1 ELSE 0 END,
      d.ok, d.queue_ok, w.left_minor, w.queued
    FROM walk w JOIN ranked r ON r.key_id = w.key_id AND r.n = w.n + 1
    CROSS JOIN LATERAL (SELECT q.queue_ok, q.queue_ok AND (r.hold IS NULL OR (w.found AND (w.left_minor IS NULL OR w.left_minor >= r.hold))) AS ok
      FROM (SELECT r.max_queued IS NULL OR w.queued < r.max_queued AS queue_ok) q) d
  ),
  decided AS (SELECT r.*, w.ok, w.queue_ok, w.left_minor, w.balance_before, w.queued_before FROM ranked r JOIN walk w ON w.key_id = r.key_id AND w.n = r.n),
  spent AS (
    UPDATE api_keys k SET balance_minor = k.balance_minor - t.total
    FROM (SELECT key_id, SUM(hold) AS total FROM decided WHERE ok AND hold IS NOT NULL GROUP BY key_id) t
    WHERE k.id = t.key_id AND k.balance_minor IS NOT NULL
  ),
  held AS (
    INSERT INTO ledger (id, key_id, task_id, kind, amount_minor, balance_after_minor, created_at_ms, note)
    SELECT ledger_id, key_id, task_id, 'hold', hold, left_minor, now_ms, NULL FROM decided WHERE ok AND hold IS NOT NULL
  ),
  made AS (
    INSERT INTO tasks (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::tasks, $2::json)
    WHERE id IN (SELECT task_id FROM decided WHERE ok)
  )
  SELECT ord, ok, queue_ok, balance_before, queued_before FROM decided ORDER BY ord`);

export const createPlans = {
  createBatch,
  /** Taken first when a request of the batch has a queue limit or an idempotency key (see pg-create-batch.ts). */
  lockKeys: st('SELECT id FROM api_keys WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE'),
  /** Undoes the idempotency entries of refused requests: a refused request leaves nothing. */
  dropIdempotency: st('DELETE FROM idempotency WHERE (key_id, idem_key) IN (SELECT u.k, u.i FROM unnest($1::text[], $2::text[]) AS u(k, i))'),
};

/** One request as the statement reads it. */
export interface BatchRequest {
  ord: number;
  task_id: string;
  key_id: string;
  hold: number | null;
  max_queued: number | null;
  ledger_id: string;
  now_ms: number;
}

/** One decision as the statement returns it, in request order. */
export interface BatchDecision {
  ord: number;
  ok: boolean;
  queue_ok: boolean;
  balance_before: string | null;
  queued_before: string | null;
}
