/**
 * Every statement the stores run, written once and rendered for one engine when a store opens
 * (renderPlans). Statements whose conditions vary with the query are rendered once per combination
 * of conditions, on first use. Statements only PostgreSQL needs (locks) are null on SQLite.
 */
import type { LedgerQuery, TaskQuery } from '../../domain/ports.js';
import type { Dialect } from './dialect.js';
import { migrations } from './migrations.js';
import { apiKeyColumns, deliveryColumns, fileColumns, taskColumns } from './rows.js';
import { sessionColumns } from './session-rows.js';
import type { Statement } from './steps.js';

/** Advisory lock classes (the first key of the two-key form), so our locks never meet another app's. */
export const lockClass = { migrate: 0x5747_0001, channel: 0x5747_0002 } as const;

/** Keys a PostgreSQL claim looks at: every key with pending work, best first, up to this many. */
export const claimCandidates = 32;

/** One optional condition: SQL with `?` where its parameter goes, and the parameter. */
export type Condition = readonly [sql: string, value: unknown];

export type Plans = ReturnType<typeof renderPlans>;

export function renderPlans(d: Dialect) {
  const s = (text: string) => d.statement(text);
  const locking = (text: string) => (d.locksRows ? s(text) : null);
  const insertOf = (table: string, columns: readonly string[]) =>
    s(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`);
  // A terminal compare-and-set: from one of the statuses $4, by the lease owner $5 (null: anyone).
  // `lease_owner = $5` comes first: PostgreSQL takes the parameter's type from it.
  const terminal = (extra: string[]) =>
    s(`UPDATE tasks SET status = $2, updated_at_ms = $3, completed_at_ms = $3, lease_owner = NULL, lease_expires_at_ms = NULL,
         cost_minor = $6${extra.map((col, i) => `, ${col} = $${i + 7}`).join('')}
       WHERE id = $1 AND ${d.inList('status', '$4')} AND (lease_owner = $5 OR $5 IS NULL)
       RETURNING key_id, callback_url`);
  const ledgerInsert = (n: number) =>
    s(`INSERT INTO ledger (id, key_id, task_id, kind, amount_minor, balance_after_minor, created_at_ms, note) VALUES
       ${Array.from({ length: n }, (_, r) => `(${Array.from({ length: 8 }, (_, c) => `$${r * 8 + c + 1}`).join(', ')})`).join(', ')}`);

  const listLedger = filtered(d, (where, n) => `SELECT * FROM ledger ${where} ORDER BY id DESC LIMIT $${n}`);
  const usageTotals = filtered(d, (where) => `SELECT kind, COALESCE(SUM(amount_minor), 0) AS total, COUNT(DISTINCT task_id) AS tasks FROM ledger ${where} GROUP BY kind`);
  const listTasks = filtered(d, (where, n) => `SELECT * FROM tasks ${where} ORDER BY id DESC LIMIT $${n}`);
  const taskConditions = (q: TaskQuery): Condition[] => {
    const where: Condition[] = [];
    if (q.keyId) where.push(['key_id = ?', q.keyId]);
    if (q.statuses?.length) where.push([d.inList('status', '?'), q.statuses]);
    if (q.createdFromMs !== undefined) where.push(['created_at_ms >= ?', q.createdFromMs]);
    if (q.createdToMs !== undefined) where.push(['created_at_ms < ?', q.createdToMs]);
    if (q.beforeId) where.push(['id < ?', q.beforeId]);
    return where;
  };

  return {
    // ---------- schema ----------
    migrationsTable: s('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at_ms BIGINT NOT NULL)'),
    appliedMigrations: s('SELECT version FROM schema_migrations'),
    recordMigration: s('INSERT INTO schema_migrations (version, applied_at_ms) VALUES ($1, $2)'),
    migrations: migrations.map((text) => s(d.ddl(text))),

    // ---------- keys ----------
    insertKey: insertOf('api_keys', apiKeyColumns),
    keyById: s('SELECT * FROM api_keys WHERE id = $1'),
    // The row lock orders a key's updates and credits against its holds and settlements.
    keyByIdLocked: s(`SELECT * FROM api_keys WHERE id = $1 ${d.lock('FOR NO KEY UPDATE')}`),
    keyByHash: s('SELECT * FROM api_keys WHERE secret_hash = $1'),
    listKeys: s('SELECT * FROM api_keys ORDER BY id'),
    updateKey: byShape((cols: readonly string[]) => s(`UPDATE api_keys SET ${cols.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE id = $1`)),
    revokeKey: s('UPDATE api_keys SET revoked_at_ms = $2 WHERE id = $1 AND revoked_at_ms IS NULL'),
    setBalance: s('UPDATE api_keys SET balance_minor = $2 WHERE id = $1'),
    balanceOf: s('SELECT balance_minor FROM api_keys WHERE id = $1'),
    // NO KEY UPDATE: serialises the key's submissions without blocking task inserts' foreign-key checks.
    lockKey: locking('SELECT 1 FROM api_keys WHERE id = $1 FOR NO KEY UPDATE'),
    markKeyClaimed: s('UPDATE api_keys SET last_claimed_at_ms = $2 WHERE id = $1'),

    // ---------- ledger ----------
    ledgerInsert: [ledgerInsert(1), ledgerInsert(2)] as const,
    // Checks and takes the money in one statement (an unlimited key, NULL balance, passes unchanged).
    takeHold: s(`UPDATE api_keys SET balance_minor = balance_minor - $2
                 WHERE id = $1 AND (balance_minor IS NULL OR balance_minor >= $2) RETURNING balance_minor`),
    holdOf: s("SELECT amount_minor FROM ledger WHERE task_id = $1 AND kind = 'hold'"),
    // A key's holds not yet captured or released: what a release may still give back to its balance.
    heldByKey: s(`SELECT COALESCE(SUM(CASE kind WHEN 'hold' THEN amount_minor ELSE -amount_minor END), 0) AS held
                  FROM ledger WHERE key_id = $1 AND kind IN ('hold', 'capture', 'release')`),
    giveBack: s('UPDATE api_keys SET balance_minor = balance_minor + $2 WHERE id = $1 RETURNING balance_minor'),
    listLedger: (q: LedgerQuery) => listLedger([...ledgerConditions(q), ...(q.beforeId ? [['id < ?', q.beforeId] as const] : [])], [q.limit]),
    usageTotals: (q: Omit<LedgerQuery, 'limit' | 'beforeId'>) => usageTotals(ledgerConditions(q)),

    // ---------- idempotency ----------
    // Of concurrent inserters of one key exactly one inserts; the others wait for it, then find it.
    claimIdempotency: s(`INSERT INTO idempotency (key_id, idem_key, request_hash, task_id, created_at_ms) VALUES ($1, $2, $3, $4, $5)
                         ON CONFLICT (key_id, idem_key) DO NOTHING RETURNING task_id`),
    idempotencyEntry: s(`SELECT * FROM idempotency WHERE key_id = $1 AND idem_key = $2 ${d.lock('FOR UPDATE')}`),
    takeOverIdempotency: s('UPDATE idempotency SET request_hash = $3, task_id = $4, created_at_ms = $5 WHERE key_id = $1 AND idem_key = $2'),

    // ---------- tasks ----------
    insertTask: insertOf('tasks', taskColumns),
    taskById: s('SELECT * FROM tasks WHERE id = $1'),
    countPending: s("SELECT COUNT(*) AS n FROM tasks WHERE key_id = $1 AND status = 'pending'"),
    listTasks: (q: TaskQuery) => listTasks(taskConditions(q), [q.limit]),
    listPending: s("SELECT id, key_id FROM tasks WHERE status = 'pending' ORDER BY key_id, id"),
    // Two halves, so each uses its status's partial index.
    activeByEngine: s(`SELECT engine, 'pending' AS status, COUNT(*) AS n FROM tasks WHERE status = 'pending' GROUP BY engine
                       UNION ALL SELECT engine, 'processing' AS status, COUNT(*) AS n FROM tasks WHERE status = 'processing' GROUP BY engine`),
    complete: terminal(['progress', 'result', 'actual_prompt']),
    fail: terminal(['error']),
    cancel: terminal([]),
    heartbeat: s(`UPDATE tasks SET lease_expires_at_ms = $3, progress = ${d.greatest('progress', '$4')}, updated_at_ms = $5
                  WHERE id = $1 AND status = 'processing' AND lease_owner = $2`),
    heartbeatWithState: s(`UPDATE tasks SET lease_expires_at_ms = $3, progress = ${d.greatest('progress', '$4')}, updated_at_ms = $5, engine_state = $6
                           WHERE id = $1 AND status = 'processing' AND lease_owner = $2`),
    release: s(`UPDATE tasks SET status = 'pending', lease_owner = NULL, lease_expires_at_ms = NULL, available_at_ms = $3,
                  attempts = attempts - $4, updated_at_ms = $5 WHERE id = $1 AND status = 'processing' AND lease_owner = $2`),
    resultsToExpire: s(`SELECT * FROM tasks WHERE status = 'completed' AND completed_at_ms < $1 AND result_expired_at_ms IS NULL
                        ORDER BY completed_at_ms LIMIT $2`),
    markResultExpired: s('UPDATE tasks SET result_expired_at_ms = $2 WHERE id = $1 AND result_expired_at_ms IS NULL'),

    // ---------- claims ----------
    // A task whose worker died: its lease ran out. Resuming it first keeps the upstream promise. A task
    // another claimer is taking over right now is locked, and skipped rather than waited for.
    claimExpired: s(`SELECT id FROM tasks WHERE status = 'processing' AND lease_expires_at_ms < $1 AND ${d.inList('engine', '$2')}
                     ORDER BY lease_expires_at_ms LIMIT 1 ${d.lock('FOR UPDATE SKIP LOCKED')}`),
    // Fairness: among each key's oldest available task, the key with the fewest running tasks goes
    // first, then the key served least recently (round robin), then the oldest task, so a key with a
    // long queue cannot hold back another key's task by more than the slot being filled. The keys with
    // pending work are found by a skip-scan of the partial pending index (one seek per key, not one row
    // per task). A plain read: on PostgreSQL the locks taken after it decide.
    claimCandidates: s(`WITH RECURSIVE ks(k) AS (
        SELECT MIN(key_id) FROM tasks WHERE status = 'pending'
        UNION ALL
        SELECT (SELECT MIN(key_id) FROM tasks WHERE status = 'pending' AND key_id > ks.k) FROM ks WHERE ks.k IS NOT NULL
      ),
      heads AS (
        SELECT ks.k AS key_id,
               (SELECT t.id FROM tasks t WHERE t.status = 'pending' AND t.key_id = ks.k AND t.available_at_ms <= $1
                  AND ${d.inList('t.engine', '$2')} ORDER BY t.id LIMIT 1) AS id
        FROM ks WHERE ks.k IS NOT NULL
      ),
      running AS (SELECT key_id, COUNT(*) AS n FROM tasks WHERE status = 'processing' GROUP BY key_id)
      SELECT h.id, h.key_id, k.max_running FROM heads h
      JOIN api_keys k ON k.id = h.key_id
      LEFT JOIN running r ON r.key_id = h.key_id
      WHERE h.id IS NOT NULL AND (k.max_running IS NULL OR COALESCE(r.n, 0) < k.max_running)
      ORDER BY COALESCE(r.n, 0), COALESCE(k.last_claimed_at_ms, 0), h.id LIMIT $3`),
    take: s(`UPDATE tasks SET status = 'processing', lease_owner = $2, lease_expires_at_ms = $3, attempts = attempts + 1,
               started_at_ms = COALESCE(started_at_ms, $4), updated_at_ms = $4 WHERE id = $1 RETURNING *`),

    // ---------- channels ----------
    channelOfTask: s(`SELECT status, lease_owner, channel_id FROM tasks WHERE id = $1 ${d.lock('FOR UPDATE')}`),
    lockChannel: locking(`SELECT pg_advisory_xact_lock(${lockClass.channel}, hashtext($1))`),
    countOnChannel: s("SELECT COUNT(*) AS n FROM tasks WHERE channel_id = $1 AND status = 'processing'"),
    setChannel: s('UPDATE tasks SET channel_id = $2 WHERE id = $1'),
    channelSavepoint: locking('SAVEPOINT channel_slot'),
    // Undoes the savepoint (letting go of the lock taken in it) and ends it, so savepoints do not nest.
    channelLetGo: locking('ROLLBACK TO SAVEPOINT channel_slot; RELEASE SAVEPOINT channel_slot'),

    // ---------- files ----------
    insertFile: insertOf('files', fileColumns),
    fileById: s('SELECT * FROM files WHERE id = $1'),
    expiredFiles: s('SELECT * FROM files WHERE expires_at_ms <= $1 ORDER BY expires_at_ms LIMIT $2'),
    deleteFile: s('DELETE FROM files WHERE id = $1'),
    // ---------- console sessions ----------
    insertSession: insertOf('sessions', sessionColumns),
    sessionById: s('SELECT * FROM sessions WHERE id = $1'),
    deleteSession: s('DELETE FROM sessions WHERE id = $1'),
    deleteExpiredSessions: s('DELETE FROM sessions WHERE expires_at_ms <= $1'),

    // ---------- webhooks ----------
    insertDelivery: insertOf('webhook_deliveries', deliveryColumns),
    // One statement: rows another sender is leasing right now are skipped, not waited for, and the
    // locked rows' conditions are re-checked, so two senders never lease the same attempt.
    claimDeliveries: s(`UPDATE webhook_deliveries SET lease_owner = $1, lease_expires_at_ms = $3
      WHERE id IN (
        SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at_ms <= $2
          AND (lease_expires_at_ms IS NULL OR lease_expires_at_ms < $2)
        ORDER BY next_attempt_at_ms LIMIT $4 ${d.lock('FOR UPDATE SKIP LOCKED')})
      RETURNING *`),
    recordAttempt: s(`UPDATE webhook_deliveries SET attempts = attempts + 1, status = $3, last_status_code = $4, last_error = $5,
        next_attempt_at_ms = COALESCE($6, next_attempt_at_ms), delivered_at_ms = $7, lease_owner = NULL, lease_expires_at_ms = NULL
      WHERE id = $1 AND lease_owner = $2`),
    listDeliveries: s('SELECT * FROM webhook_deliveries WHERE task_id = $1 ORDER BY id'),
    // The task's row lock orders two redeliveries of it: the second sees the first's row (SQLite: its write lock).
    lockTask: locking('SELECT 1 FROM tasks WHERE id = $1 FOR NO KEY UPDATE'),
    // A pending delivery of the task other than its first (the terminal transition's own): a redelivery.
    pendingRedelivery: s(`SELECT * FROM webhook_deliveries WHERE task_id = $1 AND status = 'pending'
      AND id > (SELECT MIN(id) FROM webhook_deliveries WHERE task_id = $1) ORDER BY id LIMIT 1`),
  };
}

function ledgerConditions(q: Omit<LedgerQuery, 'limit' | 'beforeId'>): Condition[] {
  const where: Condition[] = [];
  if (q.keyId) where.push(['key_id = ?', q.keyId]);
  if (q.fromMs !== undefined) where.push(['created_at_ms >= ?', q.fromMs]);
  if (q.toMs !== undefined) where.push(['created_at_ms < ?', q.toMs]);
  return where;
}

/** A statement that depends on a few names (columns to set): rendered once per combination. */
function byShape(render: (names: readonly string[]) => Statement): (names: readonly string[]) => Statement {
  const rendered = new Map<string, Statement>();
  return (names) => {
    const shape = names.join(',');
    let stmt = rendered.get(shape);
    if (!stmt) rendered.set(shape, (stmt = render(names)));
    return stmt;
  };
}

/**
 * A query with optional conditions: the statement for the conditions present (rendered once per
 * combination) and its parameters, the conditions' values first, then `tail`.
 */
function filtered(d: Dialect, render: (where: string, next: number) => string) {
  const rendered = new Map<string, Statement>();
  return (conditions: readonly Condition[], tail: readonly unknown[] = []): { stmt: Statement; params: unknown[] } => {
    const shape = conditions.map(([sql]) => sql).join(' AND ');
    let stmt = rendered.get(shape);
    if (!stmt) {
      let n = 0;
      const where = conditions.length ? `WHERE ${shape.replace(/\?/g, () => `$${++n}`)}` : '';
      rendered.set(shape, (stmt = d.statement(render(where, n + 1))));
    }
    return { stmt, params: [...conditions.map(([, value]) => value), ...tail] };
  };
}
