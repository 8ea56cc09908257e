import { newId } from '../../domain/ids.js';
import type { ClaimOptions, InsertTaskOutcome, TaskQuery, TaskStore } from '../../domain/ports.js';
import type { Task, TaskError, TaskStatus } from '../../domain/task.js';
import { fromTask, insertSql, toTask } from '../sql/rows.js';
import { tx, type Db } from './sqlite-db.js';
import { placeHold, settleHold } from './sqlite-ledger.js';

type Row = Record<string, unknown>;

const allStatuses: TaskStatus[] = ['pending', 'processing', 'completed', 'failed', 'cancelled'];
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export function createSqliteTaskStore(db: Db): TaskStore {
  const byId = db.prepare('SELECT * FROM tasks WHERE id = ?');
  const get = (id: string) => {
    const row = byId.get(id) as Row | undefined;
    return row ? toTask(row) : undefined;
  };

  /** Outbox: the webhook row is written in the same transaction as the terminal state. */
  const enqueueWebhook = (task: Task, eventType: string, nowMs: number) => {
    if (!task.callbackUrl) return;
    db.prepare(
      `INSERT INTO webhook_deliveries (id, task_id, key_id, url, event_type, status, attempts, next_attempt_at_ms, created_at_ms)
       VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
    ).run(newId('whd', nowMs), task.id, task.keyId, task.callbackUrl, eventType, nowMs, nowMs);
  };

  const claimSql = (engines: string[]) => {
    const inEngines = `engine IN (${placeholders(engines.length)})`;
    return {
      // A task whose worker died: its lease ran out. Resuming it first keeps the upstream promise.
      expired: db.prepare(
        `SELECT id FROM tasks WHERE status = 'processing' AND lease_expires_at_ms < ? AND ${inEngines}
         ORDER BY lease_expires_at_ms LIMIT 1`,
      ),
      // Fairness: among each key's oldest available task, the key with the fewest running tasks goes first.
      fair: db.prepare(
        `WITH running AS (SELECT key_id, COUNT(*) AS n FROM tasks WHERE status = 'processing' GROUP BY key_id),
              heads AS (SELECT key_id, MIN(id) AS id FROM tasks
                        WHERE status = 'pending' AND available_at_ms <= ? AND ${inEngines} GROUP BY key_id)
         SELECT h.id FROM heads h
         JOIN api_keys k ON k.id = h.key_id
         LEFT JOIN running r ON r.key_id = h.key_id
         WHERE k.max_running IS NULL OR COALESCE(r.n, 0) < k.max_running
         ORDER BY COALESCE(r.n, 0), h.id LIMIT 1`,
      ),
    };
  };
  const claimCache = new Map<string, ReturnType<typeof claimSql>>();

  const terminal = (id: string, from: TaskStatus[], to: TaskStatus, workerId: string | null, nowMs: number, set: Row, captureMinor: number) =>
    tx(db, () => {
      const task = get(id);
      if (!task || !from.includes(task.status)) return false;
      if (workerId !== null && task.leaseOwner !== workerId) return false;
      const cols = Object.keys(set);
      const changed = db
        .prepare(
          `UPDATE tasks SET status = @to, updated_at_ms = @now, completed_at_ms = @now, lease_owner = NULL, lease_expires_at_ms = NULL
           ${cols.map((c) => `, ${c} = @${c}`).join('')} WHERE id = @id AND status = @from`,
        )
        .run({ ...set, to, now: nowMs, id, from: task.status });
      if (changed.changes !== 1) return false;
      settleHold(db, task.keyId, id, captureMinor, nowMs);
      enqueueWebhook(task, `task.${to}`, nowMs);
      return true;
    });

  return {
    async insertTask(task, opts): Promise<InsertTaskOutcome> {
      return tx(db, () => {
        const idem = opts.idempotency;
        if (idem) {
          const prior = db.prepare('SELECT * FROM idempotency WHERE key_id = ? AND idem_key = ?').get(task.keyId, idem.key) as Row | undefined;
          if (prior && Number(prior.created_at_ms) > task.createdAtMs - idem.windowMs) {
            if (prior.request_hash !== idem.requestHash) return { kind: 'idempotency_conflict' };
            const existing = get(String(prior.task_id));
            if (existing) return { kind: 'existing', task: existing };
          }
          if (prior) db.prepare('DELETE FROM idempotency WHERE key_id = ? AND idem_key = ?').run(task.keyId, idem.key);
        }
        if (opts.maxQueued !== null) {
          const queued = Number((db.prepare("SELECT COUNT(*) AS n FROM tasks WHERE key_id = ? AND status = 'pending'").get(task.keyId) as Row).n);
          if (queued >= opts.maxQueued) return { kind: 'queue_full', queued, max: opts.maxQueued };
        }
        if (opts.holdMinor !== null && placeHold(db, task.keyId, task.id, opts.holdMinor, task.createdAtMs) === 'insufficient') {
          const balance = (db.prepare('SELECT balance_minor FROM api_keys WHERE id = ?').get(task.keyId) as Row | undefined)?.balance_minor;
          return { kind: 'insufficient_balance', balanceMinor: Number(balance ?? 0), neededMinor: opts.holdMinor };
        }
        const row = fromTask(task);
        db.prepare(insertSql('tasks', row)).run(row);
        if (idem) {
          db.prepare('INSERT INTO idempotency (key_id, idem_key, request_hash, task_id, created_at_ms) VALUES (?, ?, ?, ?, ?)').run(
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
      return get(id);
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
      const sql = `SELECT * FROM tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
      return (db.prepare(sql).all(...params, q.limit) as Row[]).map(toTask);
    },

    async claimTask(opts: ClaimOptions) {
      if (opts.engines.length === 0) return undefined;
      const cacheKey = opts.engines.join('\n');
      let sql = claimCache.get(cacheKey);
      if (!sql) claimCache.set(cacheKey, (sql = claimSql(opts.engines)));
      const q = sql;
      return tx(db, () => {
        const pick = (q.expired.get(opts.nowMs, ...opts.engines) ?? q.fair.get(opts.nowMs, ...opts.engines)) as { id: string } | undefined;
        if (!pick) return undefined;
        db.prepare(
          `UPDATE tasks SET status = 'processing', lease_owner = ?, lease_expires_at_ms = ?, attempts = attempts + 1,
             started_at_ms = COALESCE(started_at_ms, ?), updated_at_ms = ? WHERE id = ?`,
        ).run(opts.workerId, opts.nowMs + opts.leaseMs, opts.nowMs, opts.nowMs, pick.id);
        return get(pick.id);
      });
    },

    async heartbeat(id, workerId, nowMs, leaseMs, progress, engineState) {
      const setState = engineState !== undefined ? ', engine_state = @engineState' : '';
      const r = db
        .prepare(
          `UPDATE tasks SET lease_expires_at_ms = @lease, progress = MAX(progress, @progress), updated_at_ms = @now ${setState}
           WHERE id = @id AND status = 'processing' AND lease_owner = @workerId`,
        )
        .run({ lease: nowMs + leaseMs, progress, now: nowMs, id, workerId, ...(engineState !== undefined && { engineState }) });
      return r.changes === 1;
    },

    async releaseTask(id, workerId, availableAtMs, opts) {
      const r = db
        .prepare(
          `UPDATE tasks SET status = 'pending', lease_owner = NULL, lease_expires_at_ms = NULL, available_at_ms = ?,
             attempts = attempts - ?, updated_at_ms = ? WHERE id = ? AND status = 'processing' AND lease_owner = ?`,
        )
        .run(availableAtMs, opts.countAttempt ? 0 : 1, availableAtMs, id, workerId);
      return r.changes === 1;
    },

    async acquireChannel(id, workerId, candidates) {
      return tx(db, () => {
        const task = get(id);
        if (!task || task.status !== 'processing' || task.leaseOwner !== workerId) return null;
        if (task.channelId) return task.channelId;
        const count = db.prepare("SELECT COUNT(*) AS n FROM tasks WHERE channel_id = ? AND status = 'processing'");
        for (const c of candidates) {
          if (Number((count.get(c.id) as Row).n) < c.max) {
            db.prepare('UPDATE tasks SET channel_id = ? WHERE id = ?').run(c.id, id);
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

    async queuePosition(id) {
      const task = get(id);
      if (!task || task.status !== 'pending') return 0;
      // Fair scheduling serves keys in turn: ahead are this key's older tasks, and from every other
      // key at most one task per turn this key has to wait.
      const ownAhead = Number(
        (db.prepare("SELECT COUNT(*) AS n FROM tasks WHERE key_id = ? AND status = 'pending' AND id < ?").get(task.keyId, id) as Row).n,
      );
      const others = db
        .prepare("SELECT key_id, COUNT(*) AS n FROM tasks WHERE status = 'pending' AND key_id <> ? GROUP BY key_id")
        .all(task.keyId) as { n: number }[];
      return ownAhead + others.reduce((sum, o) => sum + Math.min(Number(o.n), ownAhead + 1), 0);
    },

    async countByStatus() {
      const rows = db.prepare('SELECT status, COUNT(*) AS n FROM tasks GROUP BY status').all() as { status: TaskStatus; n: number }[];
      const counts = Object.fromEntries(allStatuses.map((s) => [s, 0])) as Record<TaskStatus, number>;
      for (const r of rows) counts[r.status] = Number(r.n);
      return counts;
    },

    async listResultsToExpire(beforeMs, limit) {
      const rows = db
        .prepare("SELECT * FROM tasks WHERE status = 'completed' AND completed_at_ms < ? AND result_expired_at_ms IS NULL ORDER BY completed_at_ms LIMIT ?")
        .all(beforeMs, limit) as Row[];
      return rows.map(toTask);
    },

    async markResultExpired(id, nowMs) {
      return db.prepare('UPDATE tasks SET result_expired_at_ms = ? WHERE id = ? AND result_expired_at_ms IS NULL').run(nowMs, id).changes === 1;
    },
  };
}
