import type { WebhookDelivery, WebhookStore } from '../../domain/ports.js';
import { fromDelivery, toDelivery } from '../sql/rows.js';
import { insertRow, sql, tx, type Db } from './sqlite-db.js';

export function createSqliteWebhookStore(db: Db): WebhookStore {
  return {
    async claimDueDeliveries(workerId, nowMs, leaseMs, limit) {
      return tx(db, () => {
        const rows = sql(db, 
            `SELECT * FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at_ms <= ?
               AND (lease_expires_at_ms IS NULL OR lease_expires_at_ms < ?) ORDER BY next_attempt_at_ms LIMIT ?`,
          )
          .all(nowMs, nowMs, limit) as Record<string, unknown>[];
        const lease = sql(db, 'UPDATE webhook_deliveries SET lease_owner = ?, lease_expires_at_ms = ? WHERE id = ?');
        for (const r of rows) lease.run(workerId, nowMs + leaseMs, r.id);
        return rows.map(toDelivery);
      });
    },
    async recordAttempt(id, workerId, outcome, nowMs) {
      const status = outcome.ok ? 'delivered' : outcome.nextAttemptAtMs === null ? 'failed' : 'pending';
      sql(db, 
        `UPDATE webhook_deliveries SET attempts = attempts + 1, status = ?, last_status_code = ?, last_error = ?,
           next_attempt_at_ms = COALESCE(?, next_attempt_at_ms), delivered_at_ms = ?, lease_owner = NULL, lease_expires_at_ms = NULL
         WHERE id = ? AND lease_owner = ?`,
      ).run(status, outcome.statusCode, outcome.error, outcome.nextAttemptAtMs, outcome.ok ? nowMs : null, id, workerId);
    },
    async listDeliveries(taskId) {
      return (sql(db, 'SELECT * FROM webhook_deliveries WHERE task_id = ? ORDER BY id').all(taskId) as Record<string, unknown>[]).map(toDelivery);
    },
    async enqueueDelivery(d: WebhookDelivery) {
      const row = fromDelivery(d);
      insertRow(db, 'webhook_deliveries', row);
    },
  };
}
