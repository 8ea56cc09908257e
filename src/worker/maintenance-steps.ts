import type { AppDeps } from '../app/deps.js';
import type { MaintenanceStep } from './maintenance-loop.js';
import { deliverWebhooks } from '../app/deliver-webhooks.js';
import { sweepRetention } from '../app/sweep-retention.js';
import { renderTask } from '../http/render-task.js';

/** Every background duty of a worker process, by name. */
export function maintenanceSteps(deps: AppDeps, workerId: string): Record<string, MaintenanceStep> {
  return {
    // The webhook body is the task exactly as GET /v1/tasks/{id} shows it, so the HTTP presenter renders it.
    webhooks: () => deliverWebhooks(deps, workerId, (details) => renderTask(deps, details)),
    retention: () => sweepRetention(deps),
  };
}
