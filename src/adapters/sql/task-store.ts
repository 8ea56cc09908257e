import type { ClaimOptions, InsertTaskOptions, InsertTaskOutcome, TaskStore } from '../../domain/ports.js';
import { AppError } from '../../domain/errors.js';
import { canTransition, type Task, type TaskStatus } from '../../domain/task.js';
import { pendingDelivery } from '../../domain/webhook-delivery.js';
import { chargeOf, holdOf, placeHold, settleHold } from './ledger.js';
import type { Plans } from './plans.js';
import { deliveryColumns, fromDelivery, fromTask, taskColumns, toTask, valuesOf } from './rows.js';
import { count, rollback, row, rows, script, type Rollback, type SqlExecutor, type Steps } from './steps.js';

/** How a store takes one claimable task: the one method whose flow differs by engine (see the claim files). */
export type Claim = (s: Plans, opts: ClaimOptions) => Steps<Task | undefined>;

export function* taskById(s: Plans, id: string): Steps<Task | undefined> {
  const found = yield* row(s.taskById, [id]);
  return found ? toTask(found) : undefined;
}

/** Sets the claimed task processing under this worker's lease and marks its key served now (round robin). */
export function* take(s: Plans, id: string, opts: ClaimOptions): Steps<Task> {
  const task = toTask((yield* row(s.take, [id, opts.workerId, opts.nowMs + opts.leaseMs, opts.nowMs]))!);
  yield* count(s.markKeyClaimed, [task.keyId, opts.nowMs]);
  return task;
}

export type IdempotencyClaim = { kind: 'ours' } | { kind: 'existing'; task: Task } | { kind: 'idempotency_conflict' };

/**
 * Makes this transaction the owner of (key, idempotency key), or finds the task that owns it. On
 * PostgreSQL the insert waits for a concurrent inserter of the same key to commit or roll back, and an
 * entry past its window is taken over under a row lock (re-read by READ COMMITTED after the wait).
 */
export function* claimIdempotency(s: Plans, task: Task, idem: NonNullable<InsertTaskOptions['idempotency']>): Steps<IdempotencyClaim> {
  for (;;) {
    if (yield* row(s.claimIdempotency, [task.keyId, idem.key, idem.requestHash, task.id, task.createdAtMs])) return { kind: 'ours' };
    const prior = yield* row(s.idempotencyEntry, [task.keyId, idem.key]);
    if (!prior) continue; // removed in between: insert again
    if (Number(prior.created_at_ms) > task.createdAtMs - idem.windowMs) {
      if (prior.request_hash !== idem.requestHash) return { kind: 'idempotency_conflict' };
      const existing = yield* taskById(s, String(prior.task_id));
      if (existing) return { kind: 'existing', task: existing };
    }
    yield* count(s.takeOverIdempotency, [task.keyId, idem.key, idem.requestHash, task.id, task.createdAtMs]);
    return { kind: 'ours' };
  }
}

function* insertTask(s: Plans, task: Task, opts: InsertTaskOptions): Steps<InsertTaskOutcome | Rollback<InsertTaskOutcome>> {
  let wrote = false;
  if (opts.idempotency) {
    const idem = yield* claimIdempotency(s, task, opts.idempotency);
    if (idem.kind !== 'ours') return idem; // nothing written
    wrote = true;
  }
  let refusal: InsertTaskOutcome | null = null;
  if (opts.maxQueued !== null) {
    // Serialise this key's submissions so two cannot both see the last free queue place.
    if (s.lockKey) yield* rows(s.lockKey, [task.keyId]);
    const queued = Number((yield* row(s.countPending, [task.keyId]))!.n);
    if (queued >= opts.maxQueued) refusal = { kind: 'queue_full', queued, max: opts.maxQueued };
  }
  if (!refusal && opts.holdMinor !== null && (yield* placeHold(s, task.keyId, task.id, opts.holdMinor, task.createdAtMs)) === 'insufficient') {
    const balance = (yield* row(s.balanceOf, [task.keyId]))?.balance_minor;
    refusal = { kind: 'insufficient_balance', balanceMinor: Number(balance ?? 0), neededMinor: opts.holdMinor };
  }
  // A refusal after the idempotency entry was written rolls it back: a refused request leaves nothing.
  if (refusal) return wrote ? rollback(refusal) : refusal;
  yield* count(s.insertTask, valuesOf(fromTask(task), taskColumns));
  return { kind: 'created', task };
}

/**
 * A terminal transition: one compare-and-set UPDATE (on PostgreSQL READ COMMITTED re-checks its WHERE
 * against the row a concurrent winner committed, so of racing completes, fails and cancels exactly one
 * changes the row), and in the same transaction the hold's settlement and the webhook outbox row.
 */
function* terminal(s: Plans, id: string, from: TaskStatus[], to: 'completed' | 'failed' | 'cancelled', workerId: string | null, nowMs: number, costMinor: number, extra: unknown[]): Steps<boolean> {
  const held = yield* holdOf(s, id);
  // Never charge more than was held: the task's cost is what is captured.
  const charged = chargeOf(held, costMinor);
  const stmt = to === 'completed' ? s.complete : to === 'failed' ? s.fail : s.cancel;
  const changed = yield* row(stmt, [id, to, nowMs, from, workerId, charged, ...extra]);
  if (!changed) return false;
  const keyId = String(changed.key_id);
  if (held !== null) yield* settleHold(s, keyId, id, held, charged, nowMs);
  if (changed.callback_url !== null) {
    const delivery = pendingDelivery({ taskId: id, keyId, url: String(changed.callback_url), eventType: `task.${to}` }, nowMs);
    yield* count(s.insertDelivery, valuesOf(fromDelivery(delivery), deliveryColumns));
  }
  return true;
}

/**
 * Takes a channel slot. On PostgreSQL each candidate's count is read under a transaction advisory lock
 * on that channel, so acquirers on any number of processes never exceed its max; a full channel's
 * lock is let go (savepoint) before the next is tried, so acquirers never hold two and wait. SQLite's
 * one writer needs neither.
 */
function* acquireChannel(s: Plans, id: string, workerId: string, candidates: { id: string; max: number }[]): Steps<string | null> {
  const task = yield* row(s.channelOfTask, [id]);
  if (!task || task.status !== 'processing' || task.lease_owner !== workerId) return null;
  // A task stays on the channel that took it; it moves only when that channel is no longer offered
  // (it refused the create, which proves nothing was accepted there).
  if (task.channel_id !== null && candidates.some((ch) => ch.id === task.channel_id)) return String(task.channel_id);
  for (const ch of candidates) {
    if (s.lockChannel && s.channelSavepoint) {
      yield* script(s.channelSavepoint);
      yield* rows(s.lockChannel, [ch.id]);
    }
    if (Number((yield* row(s.countOnChannel, [ch.id]))!.n) < ch.max) {
      yield* count(s.setChannel, [id, ch.id]);
      return ch.id;
    }
    if (s.channelLetGo) yield* script(s.channelLetGo);
  }
  return null;
}

/** Tasks over either engine; `claim` is the engine's own. */
export function createTaskStore(exec: SqlExecutor, s: Plans, claim: Claim): TaskStore {
  /**
   * The callers name the statuses a terminal transition may start from; the domain's state machine
   * decides whether each may end there. A caller's mistake (say, cancelling a completed task) is a
   * bug: it fails loudly before anything is read or written, instead of rewriting a finished task.
   */
  const settle = async (id: string, from: TaskStatus[], to: 'completed' | 'failed' | 'cancelled', workerId: string | null, nowMs: number, costMinor: number, extra: unknown[]) => {
    const illegal = from.find((status) => !canTransition(status, to));
    if (illegal) throw new AppError('internal', `A task cannot go from ${illegal} to ${to}`, { reason: 'internal' });
    return exec.transaction(() => terminal(s, id, from, to, workerId, nowMs, costMinor, extra));
  };
  return {
    insertTask: (task, opts) => exec.transaction(() => insertTask(s, task, opts)),
    getTask: (id) => exec.read(() => taskById(s, id)),
    listTasks: (q) =>
      exec.read(function* () {
        const { stmt, params } = s.listTasks(q);
        return (yield* rows(stmt, params)).map(toTask);
      }),
    claimTask: async (opts) => (opts.engines.length === 0 ? undefined : exec.transaction(() => claim(s, opts))),
    async heartbeat(id, workerId, nowMs, leaseMs, progress, engineState) {
      const values = [id, workerId, nowMs + leaseMs, Math.floor(progress), nowMs];
      const changed = await exec.write(() => (engineState === undefined ? count(s.heartbeat, values) : count(s.heartbeatWithState, [...values, engineState])));
      return changed === 1;
    },
    async releaseTask(id, workerId, nowMs, availableAtMs, opts) {
      return (await exec.write(() => count(s.release, [id, workerId, availableAtMs, opts.countAttempt ? 0 : 1, nowMs]))) === 1;
    },
    acquireChannel: (id, workerId, candidates) => exec.transaction(() => acquireChannel(s, id, workerId, candidates)),
    completeTask: (id, workerId, nowMs, result, costMinor, actualPrompt) =>
      settle(id, ['processing'], 'completed', workerId, nowMs, costMinor, [100, JSON.stringify(result), actualPrompt]),
    failTask: (id, from, workerId, nowMs, error) => settle(id, from, 'failed', workerId, nowMs, 0, [JSON.stringify(error)]),
    cancelTask: (id, from, nowMs) => settle(id, from, 'cancelled', null, nowMs, 0, []),
    listPending: () =>
      exec.read(function* () {
        return (yield* rows<{ id: string; key_id: string }>(s.listPending)).map((r) => ({ id: r.id, keyId: r.key_id }));
      }),
    countActive: () =>
      exec.read(function* () {
        const counts = new Map<string, { engine: string; pending: number; running: number }>();
        for (const r of yield* rows<{ engine: string; status: string; n: unknown }>(s.activeByEngine)) {
          const c = counts.get(r.engine) ?? { engine: r.engine, pending: 0, running: 0 };
          if (r.status === 'pending') c.pending = Number(r.n);
          else c.running = Number(r.n);
          counts.set(r.engine, c);
        }
        return [...counts.values()];
      }),
    listResultsToExpire: (beforeMs, limit) =>
      exec.read(function* () {
        return (yield* rows(s.resultsToExpire, [beforeMs, limit])).map(toTask);
      }),
    markResultExpired: async (id, nowMs) => (await exec.write(() => count(s.markResultExpired, [id, nowMs]))) === 1,
  };
}
