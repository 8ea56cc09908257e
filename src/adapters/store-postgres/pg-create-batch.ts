import { newId } from '../../domain/ids.js';
import type { InsertTaskOptions, InsertTaskOutcome } from '../../domain/ports.js';
import type { Task } from '../../domain/task.js';
import type { Plans } from '../sql/plans.js';
import { fromTask } from '../sql/rows.js';
import { count, rows, type SqlExecutor, type Steps } from '../sql/steps.js';
import { claimIdempotency } from '../sql/task-store.js';
import { retryTransient } from './pg-db.js';
import { createPlans, type BatchDecision, type BatchRequest } from './pg-create-plans.js';

interface Pending {
  task: Task;
  opts: InsertTaskOptions;
  resolve(outcome: InsertTaskOutcome): void;
  reject(err: unknown): void;
}

export interface CreateBatchOptions {
  /** Most creates in one batch. */
  maxBatch: number;
  /** Most batches running at once; creates arriving meanwhile wait and form the next batch. */
  maxInFlight: number;
}

/**
 * A batch of creates, one transaction. Without queue limits or idempotency keys it is one statement
 * (autocommit). Otherwise the batch's keys are locked first (so counts read after are exact and no
 * other create of these keys runs meanwhile), each idempotency key is claimed as a single create
 * would, then the statement decides and writes the rest; a refused request's idempotency entry is
 * dropped again. Outcomes come back in the batch's order.
 */
function* createBatch(s: Plans, batch: readonly Pending[]): Steps<InsertTaskOutcome[]> {
  const out: (InsertTaskOutcome | undefined)[] = new Array(batch.length);
  const claimed = new Set<number>();
  if (batch.some((p) => p.opts.idempotency || p.opts.maxQueued !== null)) {
    yield* rows(createPlans.lockKeys, [[...new Set(batch.map((p) => p.task.keyId))]]);
    for (const [i, p] of batch.entries()) {
      if (!p.opts.idempotency) continue;
      const idem = yield* claimIdempotency(s, p.task, p.opts.idempotency);
      if (idem.kind === 'ours') claimed.add(i);
      else out[i] = idem;
    }
  }
  const requests: BatchRequest[] = [];
  const taskRows: unknown[] = [];
  for (const [i, p] of batch.entries()) {
    if (out[i]) continue;
    const { task, opts } = p;
    requests.push({ ord: i, task_id: task.id, key_id: task.keyId, hold: opts.holdMinor, max_queued: opts.maxQueued, ledger_id: newId('led', task.createdAtMs), now_ms: task.createdAtMs });
    taskRows.push(fromTask(task));
  }
  if (requests.length === 0) return out as InsertTaskOutcome[];
  const refusedIdem: [string[], string[]] = [[], []];
  for (const d of yield* rows<BatchDecision & Record<string, unknown>>(createPlans.createBatch, [JSON.stringify(requests), JSON.stringify(taskRows)])) {
    const { task, opts } = batch[d.ord]!;
    if (d.ok) {
      out[d.ord] = { kind: 'created', task };
      continue;
    }
    out[d.ord] = !d.queue_ok
      ? { kind: 'queue_full', queued: Number(d.queued_before), max: opts.maxQueued! }
      : { kind: 'insufficient_balance', balanceMinor: Number(d.balance_before ?? 0), neededMinor: opts.holdMinor! };
    if (claimed.has(d.ord)) {
      refusedIdem[0].push(task.keyId);
      refusedIdem[1].push(opts.idempotency!.key);
    }
  }
  if (refusedIdem[0].length > 0) yield* count(createPlans.dropIdempotency, refusedIdem);
  return out as InsertTaskOutcome[];
}

/** An idempotency key's identity within a batch: two requests of one may not share a batch. */
const idemOf = (p: Pending) => (p.opts.idempotency ? `${p.task.keyId}\u0000${p.opts.idempotency.key}` : null);

/**
 * Creates on PostgreSQL, batched: creates arriving together (from any keys, any requests) share one
 * transaction, so a hot key's balance row is locked and its commit flushed once per batch rather than
 * once per create. Each create's outcome is the one it would have had alone, in arrival order. A
 * second request with an idempotency key already in the forming batch waits for the next batch (it
 * must see the first one's entry). Should a batch fail as a whole, each of its creates runs again in a
 * batch of its own, so one failing create never takes the others with it.
 */
export function createBatchedInsert(exec: SqlExecutor, s: Plans, opts: CreateBatchOptions): (task: Task, o: InsertTaskOptions) => Promise<InsertTaskOutcome> {
  let queue: Pending[] = [];
  let inFlight = 0;
  let scheduled = false;
  const run = async (batch: Pending[]) => {
    const locking = batch.some((p) => p.opts.idempotency || p.opts.maxQueued !== null);
    if (locking) return exec.transaction(() => createBatch(s, batch));
    // A plain batch is one statement: autocommit saves BEGIN and COMMIT round trips.
    return retryTransient(() => exec.write(() => createBatch(s, batch)));
  };
  const settle = async (batch: Pending[]) => {
    try {
      const outcomes = await run(batch);
      batch.forEach((p, i) => p.resolve(outcomes[i]!));
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      await Promise.all(batch.map((p) => settle([p])));
    }
  };
  const take = (): Pending[] => {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    const idems = new Set<string>();
    for (const p of queue) {
      const idem = idemOf(p);
      if (batch.length >= opts.maxBatch || (idem !== null && idems.has(idem))) rest.push(p);
      else {
        if (idem !== null) idems.add(idem);
        batch.push(p);
      }
    }
    queue = rest;
    return batch;
  };
  const flush = () => {
    scheduled = false;
    while (queue.length > 0 && inFlight < opts.maxInFlight) {
      const batch = take();
      inFlight++;
      void settle(batch).finally(() => {
        inFlight--;
        schedule();
      });
    }
  };
  const schedule = () => {
    if (scheduled || queue.length === 0 || inFlight >= opts.maxInFlight) return;
    scheduled = true;
    setImmediate(flush);
  };
  return (task, o) =>
    new Promise<InsertTaskOutcome>((resolve, reject) => {
      queue.push({ task, opts: o, resolve, reject });
      schedule();
    });
}
