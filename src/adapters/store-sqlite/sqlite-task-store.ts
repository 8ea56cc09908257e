import type { ClaimOptions, InsertTaskOutcome, TaskQuery, TaskStore } from '../../domain/ports.js';
import type { Task, TaskError, TaskStatus } from '../../domain/task.js';
import { pendingDelivery } from '../../domain/webhook-delivery.js';
import { fromDelivery, fromTask, toTask } from '../sql/rows.js';
import { createSnapshotCache } from './snapshot-cache.js';
import { createReadBatcher, createWriteBatcher, insertRow, sql, type Db } from './sqlite-db.js';
import { placeHold, settleHold } from './sqlite-ledger.js';

type Row = Record<string, unknown>;

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

type Batcher = <T>(fn: () => T) => Promise<T>;

/** Writes and reads run in transactions shared by the calls of one event-loop turn (sqlite-db.ts). */
export function createSqliteTaskStore(db: Db): TaskStore {
  const write: Batcher = createWriteBatcher(db);
  const byId = sql(db, 'SELECT * FROM tasks WHERE id = ?');
  const get = (id: string) => {
    const row = byId.get(id) as Row | undefined;
    return row ? toTask(row) : undefined;
  };
  // Frozen: one decoded task is shared by every caller until the database changes.
  const cache = createSnapshotCache<Task>(db, 10_000);
  const read: Batcher = createReadBatcher(db, cache.checkSnapshot);
  const getFrozen = (id: string) => {
    const task = get(id);
    if (!task) return undefined;
    for (const part of [task.request, task.result, task.error]) if (part) Object.freeze(part);
    return Object.freeze(task);
  };

  /** Outbox: the webhook row is written in the same transaction as the terminal state. */
  const enqueueWebhook = (task: Task, eventType: string, nowMs: number) => {
    if (!task.callbackUrl) return;
    insertRow(db, 'webhook_deliveries', fromDelivery(pendingDelivery({ taskId: task.id, keyId: task.keyId, url: task.callbackUrl, eventType }, nowMs)));
  };

  const claimSql = (engines: string[]) => {
    const inEngines = `engine IN (${placeholders(engines.length)})`;
    return {
      // A task whose worker died: its lease ran out. Resuming it first keeps the upstream promise.
      expired: sql(db, 
        `SELECT id FROM tasks WHERE status = 'processing' AND lease_expires_at_ms < ? AND ${inEngines}
         ORDER BY lease_expires_at_ms LIMIT 1`,
      ),
      // Fairness: among each key's oldest available task, the key with the fewest running tasks goes
      // first, then the key served least recently (round robin), so a key with a long queue cannot
      // hold back another key's task by more than the slot being filled. The keys with pending work
      // are found by a skip-scan of the pending index (one seek per key, not one row per task).
      fair: sql(
        db,
        `WITH RECURSIVE ks(k) AS (
           SELECT MIN(key_id) FROM tasks WHERE status = 'pending'
           UNION ALL
           SELECT (SELECT MIN(key_id) FROM tasks WHERE status = 'pending' AND key_id > ks.k) FROM ks WHERE ks.k IS NOT NULL
         ),
         heads AS (
           SELECT ks.k AS key_id,
                  (SELECT t.id FROM tasks t WHERE t.status = 'pending' AND t.key_id = ks.k AND t.available_at_ms <= ? AND t.${inEngines}
                   ORDER BY t.id LIMIT 1) AS id
           FROM ks WHERE ks.k IS NOT NULL
         ),
         running AS (SELECT key_id, COUNT(*) AS n FROM tasks WHERE status = 'processing' GROUP BY key_id)
         SELECT h.id FROM heads h
         JOIN api_keys k ON k.id = h.key_id
         LEFT JOIN running r ON r.key_id = h.key_id
         WHERE h.id IS NOT NULL AND (k.max_running IS NULL OR COALESCE(r.n, 0) < k.max_running)
         ORDER BY COALESCE(r.n, 0), COALESCE(k.last_claimed_at_ms, 0), h.id LIMIT 1`,
      ),
    };
  };

  const terminal = (id: string, from: TaskStatus[], to: TaskStatus, workerId: string | null, nowMs: number, set: Row, captureMinor: number) =>
    write(() => {
      const task = get(id);
      if (!task || !from.includes(task.status)) return false;
      if (workerId !== null && task.leaseOwner !== workerId) return false;
      const cols = Object.keys(set);
      const changed = sql(db, 
          `UPDATE tasks SET status = @to, updated_at_ms = @now, completed_at_ms = @now, lease_owner = NULL, lease_expires_at_ms = NULL
           ${cols.map((c) => `, ${c} = @${c}`).join('')} WHERE id = @id AND status = @from`,
        )
        .run({ ...set, to, now: nowMs, id, from: task.status });
      if (changed.changes !== 1) return false;
      const captured = settleHold(db, task.keyId, id, captureMinor, nowMs);
      // Never charge more than was held: the task's cost is what was captured.
      if (captured !== captureMinor) sql(db, 'UPDATE tasks SET cost_minor = ? WHERE id = ?').run(captured, id);
      enqueueWebhook(task, `task.${to}`, nowMs);
      return true;
    });

  return {
    async insertTask(task, opts): Promise<InsertTaskOutcome> {
      return write(() => {
        const idem = opts.idempotency;
        if (idem) {
          const prior = sql(db, 'SELECT * FROM idempotency WHERE key_id = ? AND idem_key = ?').get(task.keyId, idem.key) as Row | undefined;
          if (prior && Number(prior.created_at_ms) > task.createdAtMs - idem.windowMs) {
            if (prior.request_hash !== idem.requestHash) return { kind: 'idempotency_conflict' };
            const existing = get(String(prior.task_id));
            if (existing) return { kind: 'existing', task: existing };
          }
          if (prior) sql(db, 'DELETE FROM idempotency WHERE key_id = ? AND idem_key = ?').run(task.keyId, idem.key);
        }
        if (opts.maxQueued !== null) {
          const queued = Number((sql(db, "SELECT COUNT(*) AS n FROM tasks WHERE key_id = ? AND status = 'pending'").get(task.keyId) as Row).n);
          if (queued >= opts.maxQueued) return { kind: 'queue_full', queued, max: opts.maxQueued };
        }
        if (opts.holdMinor !== null && placeHold(db, task.keyId, task.id, opts.holdMinor, task.createdAtMs) === 'insufficient') {
          const balance = (sql(db, 'SELECT balance_minor FROM api_keys WHERE id = ?').get(task.keyId) as Row | undefined)?.balance_minor;
          return { kind: 'insufficient_balance', balanceMinor: Number(balance ?? 0), neededMinor: opts.holdMinor };
        }
        const row = fromTask(task);
        insertRow(db, 'tasks', row);
        if (idem) {
          sql(db, 'INSERT INTO idempotency (key_id, idem_key, request_hash, task_id, created_at_ms) VALUES (?, ?, ?, ?, ?)').run(
            task.keyId,
            idem.key,
            idem.requestHash,
            task.id,
            task.createdAtMs,
          );
        }
        return { kind: 'created', task };
      });
    },

    async getTask(id) {
      return read(() => cache.get(id, getFrozen));
    },

    async listTasks(q: TaskQuery) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (q.keyId) {
        where.push('key_id = ?');
        params.push(q.keyId);
      }
      if (q.statuses?.length) {
        where.push(`status IN (${placeholders(q.statuses.length)})`);
        params.push(...q.statuses);
      }
      if (q.createdFromMs !== undefined) {
        where.push('created_at_ms >= ?');
        params.push(q.createdFromMs);
      }
      if (q.createdToMs !== undefined) {
        where.push('created_at_ms < ?');
        params.push(q.createdToMs);
      }
      if (q.beforeId) {
        where.push('id < ?');
        params.push(q.beforeId);
      }
      const text = `SELECT * FROM tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
      return (sql(db, text).all(...params, q.limit) as Row[]).map(toTask);
    },

    async claimTask(opts: ClaimOptions) {
      if (opts.engines.length === 0) return undefined;
      const q = claimSql(opts.engines);
      return write(() => {
        const pick = (q.expired.get(opts.nowMs, ...opts.engines) ?? q.fair.get(opts.nowMs, ...opts.engines)) as { id: string } | undefined;
        if (!pick) return undefined;
        const claimed = toTask(
          sql(
            db,
            `UPDATE tasks SET status = 'processing', lease_owner = ?, lease_expires_at_ms = ?, attempts = attempts + 1,
               started_at_ms = COALESCE(started_at_ms, ?), updated_at_ms = ? WHERE id = ? RETURNING *`,
          ).get(opts.workerId, opts.nowMs + opts.leaseMs, opts.nowMs, opts.nowMs, pick.id) as Row,
        );
        sql(db, 'UPDATE api_keys SET last_claimed_at_ms = ? WHERE id = ?').run(opts.nowMs, claimed.keyId);
        return claimed;
      });
    },

    async heartbeat(id, workerId, nowMs, leaseMs, progress, engineState) {
      const setState = engineState !== undefined ? ', engine_state = @engineState' : '';
      const r = await write(() =>
        sql(
          db,
          `UPDATE tasks SET lease_expires_at_ms = @lease, progress = MAX(progress, @progress), updated_at_ms = @now ${setState}
           WHERE id = @id AND status = 'processing' AND lease_owner = @workerId`,
        ).run({ lease: nowMs + leaseMs, progress, now: nowMs, id, workerId, ...(engineState !== undefined && { engineState }) }),
      );
      return r.changes === 1;
    },

    async releaseTask(id, workerId, nowMs, availableAtMs, opts) {
      const r = await write(() =>
        sql(
          db,
          `UPDATE tasks SET status = 'pending', lease_owner = NULL, lease_expires_at_ms = NULL, available_at_ms = ?,
             attempts = attempts - ?, updated_at_ms = ? WHERE id = ? AND status = 'processing' AND lease_owner = ?`,
        ).run(availableAtMs, opts.countAttempt ? 0 : 1, nowMs, id, workerId),
      );
      return r.changes === 1;
    },

    async acquireChannel(id, workerId, candidates) {
      return write(() => {
        // Three columns decide it: the whole row (request JSON and all) need not be decoded.
        const task = sql(db, 'SELECT status, lease_owner AS leaseOwner, channel_id AS channelId FROM tasks WHERE id = ?').get(id) as
          | { status: TaskStatus; leaseOwner: string | null; channelId: string | null }
          | undefined;
        if (!task || task.status !== 'processing' || task.leaseOwner !== workerId) return null;
        // A task stays on the channel that took it; it moves only when that channel is no longer
        // offered (it refused the create, which proves nothing was accepted there).
        if (task.channelId && candidates.some((c) => c.id === task.channelId)) return task.channelId;
        const count = sql(db, "SELECT COUNT(*) AS n FROM tasks WHERE channel_id = ? AND status = 'processing'");
        for (const c of candidates) {
          if (Number((count.get(c.id) as Row).n) < c.max) {
            sql(db, 'UPDATE tasks SET channel_id = ? WHERE id = ?').run(c.id, id);
            return c.id;
          }
        }
        return null;
      });
    },

    async completeTask(id, workerId, nowMs, result, costMinor, actualPrompt) {
      return terminal(id, ['processing'], 'completed', workerId, nowMs, { progress: 100, result: JSON.stringify(result), cost_minor: costMinor, actual_prompt: actualPrompt }, costMinor);
    },

    async failTask(id, from, workerId, nowMs, error: TaskError) {
      return terminal(id, from, 'failed', workerId, nowMs, { error: JSON.stringify(error), cost_minor: 0 }, 0);
    },

    async cancelTask(id, from, nowMs) {
      return terminal(id, from, 'cancelled', null, nowMs, { cost_minor: 0 }, 0);
    },

    async listPending() {
      const rows = sql(db, "SELECT id, key_id FROM tasks WHERE status = 'pending' ORDER BY key_id, id").all() as { id: string; key_id: string }[];
      return rows.map((r) => ({ id: r.id, keyId: r.key_id }));
    },

    async listResultsToExpire(beforeMs, limit) {
      const rows = sql(db, "SELECT * FROM tasks WHERE status = 'completed' AND completed_at_ms < ? AND result_expired_at_ms IS NULL ORDER BY completed_at_ms LIMIT ?")
        .all(beforeMs, limit) as Row[];
      return rows.map(toTask);
    },

    async markResultExpired(id, nowMs) {
      return sql(db, 'UPDATE tasks SET result_expired_at_ms = ? WHERE id = ? AND result_expired_at_ms IS NULL').run(nowMs, id).changes === 1;
    },
  };
}
