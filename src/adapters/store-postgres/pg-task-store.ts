import type pg from 'pg';
import type { InsertTaskOptions, InsertTaskOutcome, TaskQuery, TaskStore } from '../../domain/ports.js';
import type { Task, TaskError, TaskStatus } from '../../domain/task.js';
import { pendingDelivery } from '../../domain/webhook-delivery.js';
import { capturable, fromDelivery, fromTask, toTask } from '../sql/rows.js';
import { claimTask } from './pg-claim.js';
import { insertRow, lockClass, one, rollback, run, tx, type Queryable, type Row } from './pg-db.js';
import { holdOf, placeHold, settleHold } from './pg-ledger.js';


async function get(db: Queryable, id: string): Promise<Task | undefined> {
  const row = await one(db, 'SELECT * FROM tasks WHERE id = $1', [id]);
  return row ? toTask(row) : undefined;
}

type IdempotencyClaim = { kind: 'ours' } | { kind: 'existing'; task: Task } | { kind: 'idempotency_conflict' };

/**
 * Makes this transaction the owner of (key, idempotency key), or finds the task that owns it.
 * INSERT ... ON CONFLICT DO NOTHING waits for a concurrent inserter of the same key to commit or roll
 * back, so of concurrent duplicates exactly one inserts; the others then read the committed winner.
 * An entry past its window is taken over under a row lock (re-read by READ COMMITTED after the wait).
 */
async function claimIdempotency(c: Queryable, task: Task, idem: NonNullable<InsertTaskOptions['idempotency']>): Promise<IdempotencyClaim> {
  for (;;) {
    const inserted = await one(
      c,
      `INSERT INTO idempotency (key_id, idem_key, request_hash, task_id, created_at_ms) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (key_id, idem_key) DO NOTHING RETURNING task_id`,
      [task.keyId, idem.key, idem.requestHash, task.id, task.createdAtMs],
    );
    if (inserted) return { kind: 'ours' };
    const prior = await one(c, 'SELECT * FROM idempotency WHERE key_id = $1 AND idem_key = $2 FOR UPDATE', [task.keyId, idem.key]);
    if (!prior) continue; // removed in between: insert again
    if (Number(prior.created_at_ms) > task.createdAtMs - idem.windowMs) {
      if (prior.request_hash !== idem.requestHash) return { kind: 'idempotency_conflict' };
      const existing = await get(c, String(prior.task_id));
      if (existing) return { kind: 'existing', task: existing };
    }
    await run(c, 'UPDATE idempotency SET request_hash = $3, task_id = $4, created_at_ms = $5 WHERE key_id = $1 AND idem_key = $2', [
      task.keyId,
      idem.key,
      idem.requestHash,
      task.id,
      task.createdAtMs,
    ]);
    return { kind: 'ours' };
  }
}

async function insertTask(pool: pg.Pool, task: Task, opts: InsertTaskOptions): Promise<InsertTaskOutcome> {
  return tx<InsertTaskOutcome>(pool, async (c) => {
    // Every outcome but 'created' rolls back: a refused or repeated request writes nothing.
    if (opts.idempotency) {
      const idem = await claimIdempotency(c, task, opts.idempotency);
      if (idem.kind !== 'ours') return rollback(idem);
    }
    if (opts.maxQueued !== null) {
      // Serialise this key's submissions so two cannot both see the last free queue place.
      await run(c, 'SELECT 1 FROM api_keys WHERE id = $1 FOR NO KEY UPDATE', [task.keyId]);
      const queued = Number((await one(c, "SELECT COUNT(*) AS n FROM tasks WHERE key_id = $1 AND status = 'pending'", [task.keyId]))!.n);
      if (queued >= opts.maxQueued) return rollback({ kind: 'queue_full', queued, max: opts.maxQueued });
    }
    if (opts.holdMinor !== null && (await placeHold(c, task.keyId, task.id, opts.holdMinor, task.createdAtMs)) === 'insufficient') {
      const balance = (await one(c, 'SELECT balance_minor FROM api_keys WHERE id = $1', [task.keyId]))?.balance_minor;
      return rollback({ kind: 'insufficient_balance', balanceMinor: Number(balance ?? 0), neededMinor: opts.holdMinor });
    }
    const { text, values } = insertRow('tasks', fromTask(task));
    await run(c, text, values);
    return { kind: 'created', task };
  });
}

/**
 * A terminal transition: one compare-and-set UPDATE (READ COMMITTED re-checks its WHERE against the
 * row a concurrent winner committed, so of racing completes, fails and cancels exactly one changes
 * the row), and in the same transaction the hold's settlement and the webhook outbox row.
 */
async function terminal(pool: pg.Pool, id: string, from: TaskStatus[], to: TaskStatus, workerId: string | null, nowMs: number, set: Row, costMinor: number): Promise<boolean> {
  return tx(pool, async (c) => {
    const held = await holdOf(c, id);
    // Never charge more than was held: the task's cost is what is captured.
    const captured = held === null ? costMinor : capturable(held, costMinor);
    const sets = { ...set, cost_minor: captured };
    const cols = Object.keys(sets);
    const row = await one(
      c,
      `UPDATE tasks SET status = $2, updated_at_ms = $3, completed_at_ms = $3, lease_owner = NULL, lease_expires_at_ms = NULL
         ${cols.map((col, i) => `, ${col} = $${i + 6}`).join('')}
       WHERE id = $1 AND status = ANY($4::text[]) AND ($5::text IS NULL OR lease_owner = $5)
       RETURNING key_id, callback_url`,
      [id, to, nowMs, from, workerId, ...Object.values(sets)],
    );
    if (!row) return false;
    const keyId = String(row.key_id);
    if (held !== null) await settleHold(c, keyId, id, held, captured, nowMs);
    if (row.callback_url !== null) {
      const { text, values } = insertRow('webhook_deliveries', fromDelivery(pendingDelivery({ taskId: id, keyId, url: String(row.callback_url), eventType: `task.${to}` }, nowMs)));
      await run(c, text, values);
    }
    return true;
  });
}

/**
 * Takes a channel slot: each candidate's count is read under a transaction advisory lock on that
 * channel, so concurrent acquirers on any number of processes never exceed its max. The lock of a
 * full channel is let go (savepoint) before the next is tried, so acquirers never hold two and wait.
 */
async function acquireChannel(pool: pg.Pool, id: string, workerId: string, candidates: { id: string; max: number }[]): Promise<string | null> {
  return tx(pool, async (c) => {
    const task = await one(c, 'SELECT status, lease_owner, channel_id FROM tasks WHERE id = $1 FOR UPDATE', [id]);
    if (!task || task.status !== 'processing' || task.lease_owner !== workerId) return null;
    // A task stays on the channel that took it; it moves only when that channel is no longer offered
    // (it refused the create, which proves nothing was accepted there).
    if (task.channel_id !== null && candidates.some((ch) => ch.id === task.channel_id)) return String(task.channel_id);
    for (const ch of candidates) {
      await c.query('SAVEPOINT channel_slot');
      await run(c, 'SELECT pg_advisory_xact_lock($1, hashtext($2))', [lockClass.channel, ch.id]);
      const n = Number((await one(c, "SELECT COUNT(*) AS n FROM tasks WHERE channel_id = $1 AND status = 'processing'", [ch.id]))!.n);
      if (n < ch.max) {
        await run(c, 'UPDATE tasks SET channel_id = $2 WHERE id = $1', [id, ch.id]);
        return ch.id;
      }
      await c.query('ROLLBACK TO SAVEPOINT channel_slot; RELEASE SAVEPOINT channel_slot');
    }
    return null;
  });
}

async function listTasks(pool: pg.Pool, q: TaskQuery): Promise<Task[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (cond: (p: string) => string, value: unknown) => {
    values.push(value);
    where.push(cond(`$${values.length}`));
  };
  if (q.keyId) add((p) => `key_id = ${p}`, q.keyId);
  if (q.statuses?.length) add((p) => `status = ANY(${p}::text[])`, q.statuses);
  if (q.createdFromMs !== undefined) add((p) => `created_at_ms >= ${p}`, q.createdFromMs);
  if (q.createdToMs !== undefined) add((p) => `created_at_ms < ${p}`, q.createdToMs);
  if (q.beforeId) add((p) => `id < ${p}`, q.beforeId);
  values.push(q.limit);
  const text = `SELECT * FROM tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${values.length}`;
  return (await run(pool, text, values)).map(toTask);
}

export function createPgTaskStore(pool: pg.Pool): TaskStore {
  return {
    insertTask: (task, opts) => insertTask(pool, task, opts),
    getTask: (id) => get(pool, id),
    listTasks: (q) => listTasks(pool, q),
    claimTask: (opts) => claimTask(pool, opts),

    async heartbeat(id, workerId, nowMs, leaseMs, progress, engineState) {
      const values: unknown[] = [id, workerId, nowMs + leaseMs, Math.floor(progress), nowMs];
      if (engineState !== undefined) values.push(engineState);
      const rows = await run(
        pool,
        `UPDATE tasks SET lease_expires_at_ms = $3, progress = GREATEST(progress, $4), updated_at_ms = $5
           ${engineState !== undefined ? ', engine_state = $6' : ''}
         WHERE id = $1 AND status = 'processing' AND lease_owner = $2 RETURNING id`,
        values,
      );
      return rows.length === 1;
    },

    async releaseTask(id, workerId, nowMs, availableAtMs, opts) {
      const rows = await run(
        pool,
        `UPDATE tasks SET status = 'pending', lease_owner = NULL, lease_expires_at_ms = NULL, available_at_ms = $3,
           attempts = attempts - $4, updated_at_ms = $5 WHERE id = $1 AND status = 'processing' AND lease_owner = $2 RETURNING id`,
        [id, workerId, availableAtMs, opts.countAttempt ? 0 : 1, nowMs],
      );
      return rows.length === 1;
    },

    acquireChannel: (id, workerId, candidates) => acquireChannel(pool, id, workerId, candidates),

    completeTask(id, workerId, nowMs, result, costMinor, actualPrompt) {
      return terminal(pool, id, ['processing'], 'completed', workerId, nowMs, { progress: 100, result: JSON.stringify(result), actual_prompt: actualPrompt }, costMinor);
    },

    failTask(id, from, workerId, nowMs, error: TaskError) {
      return terminal(pool, id, from, 'failed', workerId, nowMs, { error: JSON.stringify(error) }, 0);
    },

    cancelTask(id, from, nowMs) {
      return terminal(pool, id, from, 'cancelled', null, nowMs, {}, 0);
    },

    async listPending() {
      const rows = await run<{ id: string; key_id: string }>(pool, "SELECT id, key_id FROM tasks WHERE status = 'pending' ORDER BY key_id, id");
      return rows.map((r) => ({ id: r.id, keyId: r.key_id }));
    },

    async listResultsToExpire(beforeMs, limit) {
      const rows = await run(
        pool,
        "SELECT * FROM tasks WHERE status = 'completed' AND completed_at_ms < $1 AND result_expired_at_ms IS NULL ORDER BY completed_at_ms LIMIT $2",
        [beforeMs, limit],
      );
      return rows.map(toTask);
    },

    async markResultExpired(id, nowMs) {
      return (await run(pool, 'UPDATE tasks SET result_expired_at_ms = $2 WHERE id = $1 AND result_expired_at_ms IS NULL RETURNING id', [id, nowMs])).length === 1;
    },
  };
}
