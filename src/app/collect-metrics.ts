import type { AppDeps } from './deps.js';

export type CollectMetricsDeps = Pick<AppDeps, 'metrics' | 'tasks' | 'engines'>;

/**
 * The metrics text for a scrape: the queue gauges are read from the store first (every process sees
 * the same shared queue), zero for this process's engines with nothing queued or running.
 */
export async function collectMetrics(deps: CollectMetricsDeps): Promise<{ contentType: string; text: string }> {
  const counts = await deps.tasks.countActive();
  for (const engine of deps.engines.keys()) if (!counts.some((c) => c.engine === engine)) counts.push({ engine, pending: 0, running: 0 });
  deps.metrics.queueDepth(counts);
  return deps.metrics.render();
}
