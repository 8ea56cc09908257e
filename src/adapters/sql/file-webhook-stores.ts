import type { FileStore, WebhookStore } from '../../domain/ports.js';
import type { Plans } from './plans.js';
import { deliveryColumns, fileColumns, fromDelivery, fromFile, toDelivery, toFile, valuesOf } from './rows.js';
import { count, row, rows, type SqlExecutor } from './steps.js';

/** Uploaded files over either engine. */
export function createFileStore(exec: SqlExecutor, s: Plans): FileStore {
  return {
    insertFile: async (file) => {
      await exec.write(() => count(s.insertFile, valuesOf(fromFile(file), fileColumns)));
    },
    getFile: (id) =>
      exec.read(function* () {
        const found = yield* row(s.fileById, [id]);
        return found ? toFile(found) : undefined;
      }),
    listExpiredFiles: (nowMs, limit) =>
      exec.read(function* () {
        return (yield* rows(s.expiredFiles, [nowMs, limit])).map(toFile);
      }),
    deleteFile: async (id) => {
      await exec.write(() => count(s.deleteFile, [id]));
    },
  };
}

/** The webhook outbox over either engine. */
export function createWebhookStore(exec: SqlExecutor, s: Plans): WebhookStore {
  return {
    claimDueDeliveries: (workerId, nowMs, leaseMs, limit) =>
      exec.write(function* () {
        const leased = (yield* rows(s.claimDeliveries, [workerId, nowMs, nowMs + leaseMs, limit])).map(toDelivery);
        // UPDATE … RETURNING gives no order: the oldest due first.
        return leased.sort((a, b) => a.nextAttemptAtMs - b.nextAttemptAtMs || (a.id < b.id ? -1 : 1));
      }),
    async recordAttempt(id, workerId, outcome, nowMs) {
      const status = outcome.ok ? 'delivered' : outcome.nextAttemptAtMs === null ? 'failed' : 'pending';
      await exec.write(() => count(s.recordAttempt, [id, workerId, status, outcome.statusCode, outcome.error, outcome.nextAttemptAtMs, outcome.ok ? nowMs : null]));
    },
    listDeliveries: (taskId) =>
      exec.read(function* () {
        return (yield* rows(s.listDeliveries, [taskId])).map(toDelivery);
      }),
    enqueueDelivery: (delivery) =>
      exec.transaction(function* () {
        if (s.lockTask) yield* rows(s.lockTask, [delivery.taskId]);
        const pending = yield* row(s.pendingRedelivery, [delivery.taskId]);
        if (pending) return toDelivery(pending);
        yield* count(s.insertDelivery, valuesOf(fromDelivery(delivery), deliveryColumns));
        return delivery;
      }),
  };
}
