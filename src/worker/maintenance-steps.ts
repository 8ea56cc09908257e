import type { MaintenanceStep } from './maintenance-loop.js';
import { deliverWebhooks, type DeliverWebhooksDeps } from '../app/deliver-webhooks.js';
import { sweepRetention, type SweepRetentionDeps } from '../app/sweep-retention.js';
import { renderTask, type RenderTaskDeps } from '../present/render-task.js';

export type MaintenanceDeps = DeliverWebhooksDeps & SweepRetentionDeps & RenderTaskDeps;

/** Every background duty of a worker process, by name. */
export function maintenanceSteps(deps: MaintenanceDeps, workerId: string): Record<string, MaintenanceStep> {
  return {
    // The webhook body is the task exactly as GET /v1/tasks/{id} shows it: the shared presenter renders it.
    webhooks: () => deliverWebhooks(deps, workerId, (details) => renderTask(deps, details)),
    retention: () => sweepRetention(deps),
  };
}
