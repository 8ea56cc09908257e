import type pg from 'pg';
import type { WebhookDelivery, WebhookStore } from '../../domain/ports.js';
import { fromDelivery, toDelivery } from '../sql/rows.js';
import { insertRow, run } from './pg-db.js';

export function createPgWebhookStore(pool: pg.Pool): WebhookStore {
  return {
    async claimDueDeliveries(workerId, nowMs, leaseMs, limit) {
      // One statement: rows another sender is leasing right now are skipped, not waited for, and the
      // locked rows' conditions are re-checked, so two senders never lease the same attempt.
      const rows = await run(
        pool,
        `UPDATE webhook_deliveries SET lease_owner = $1, lease_expires_at_ms = $3
         WHERE id IN (
           SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at_ms <= $2
             AND (lease_expires_at_ms IS NULL OR lease_expires_at_ms < $2)
           ORDER BY next_attempt_at_ms LIMIT $4 FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [workerId, nowMs, nowMs + leaseMs, limit],
      );
      return rows.map(toDelivery).sort((a, b) => a.nextAttemptAtMs - b.nextAttemptAtMs || (a.id < b.id ? -1 : 1));
    },
    async recordAttempt(id, workerId, outcome, nowMs) {
      const status = outcome.ok ? 'delivered' : outcome.nextAttemptAtMs === null ? 'failed' : 'pending';
      await run(
        pool,
        `UPDATE webhook_deliveries SET attempts = attempts + 1, status = $3, last_status_code = $4, last_error = $5,
           next_attempt_at_ms = COALESCE($6, next_attempt_at_ms), delivered_at_ms = $7, lease_owner = NULL, lease_expires_at_ms = NULL
         WHERE id = $1 AND lease_owner = $2`,
        [id, workerId, status, outcome.statusCode, outcome.error, outcome.nextAttemptAtMs, outcome.ok ? nowMs : null],
      );
    },
    async listDeliveries(taskId) {
      return (await run(pool, 'SELECT * FROM webhook_deliveries WHERE task_id = $1 ORDER BY id', [taskId])).map(toDelivery);
    },
    async enqueueDelivery(d: WebhookDelivery) {
      const { text, values } = insertRow('webhook_deliveries', fromDelivery(d));
      await run(pool, text, values);
    },
  };
}
