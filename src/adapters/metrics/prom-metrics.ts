import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Metrics } from '../../domain/ports.js';

const httpBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Task timings run from milliseconds (a cached local render) to an hour (a busy upstream). */
const taskBuckets = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/**
 * The Metrics port on prom-client, in a registry of its own (several servers in one process, as in
 * tests, never share or clash). The process's standard metrics (CPU, memory, event loop) come along.
 */
export function createPromMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const make = {
    counter: <L extends string>(name: string, help: string, labelNames: L[]) => new Counter({ name, help, labelNames, registers: [registry] }),
    gauge: <L extends string>(name: string, help: string, labelNames: L[]) => new Gauge({ name, help, labelNames, registers: [registry] }),
    histogram: <L extends string>(name: string, help: string, labelNames: L[], buckets: number[]) =>
      new Histogram({ name, help, labelNames, buckets, registers: [registry] }),
  };
  const http = make.counter('wangate_http_requests_total', 'HTTP requests answered, by route pattern and status', ['method', 'route', 'status']);
  const httpSeconds = make.histogram('wangate_http_request_duration_seconds', 'HTTP request latency (event streams: until they end)', ['method', 'route', 'status'], httpBuckets);
  const created = make.counter('wangate_tasks_created_total', 'Tasks created', ['engine', 'mode']);
  const ended = make.counter('wangate_tasks_ended_total', 'Tasks that reached a terminal status', ['engine', 'mode', 'outcome']);
  const queued = make.gauge('wangate_tasks_queued', 'Pending tasks in the store', ['engine']);
  const running = make.gauge('wangate_tasks_running', 'Processing tasks in the store', ['engine']);
  const queueWait = make.histogram('wangate_task_queue_wait_seconds', 'From creation to the first claim by a worker', ['engine', 'mode'], taskBuckets);
  const runTime = make.histogram('wangate_task_run_seconds', 'From the first claim to the end', ['engine', 'mode', 'outcome'], taskBuckets);
  const totalTime = make.histogram('wangate_task_end_to_end_seconds', 'From creation to the end', ['engine', 'mode', 'outcome'], taskBuckets);
  const upstream = make.counter('wangate_upstream_calls_total', 'Calls to an upstream API, by account and outcome (ok, throttled, error)', ['engine', 'account', 'outcome']);
  const webhooks = make.counter('wangate_webhook_deliveries_total', 'Webhook delivery attempts, by outcome', ['outcome']);
  const captured = make.counter('wangate_ledger_captured_minor_total', 'Money captured from holds, in minor units', ['currency']);
  const released = make.counter('wangate_ledger_released_minor_total', 'Money released from holds back to balances, in minor units', ['currency']);
  const rateFallbacks = make.counter('wangate_rate_limit_fallbacks_total', 'Requests counted per process because Redis was unreachable', []);
  const seconds = (ms: number) => Math.max(0, ms) / 1000;

  return {
    httpRequest(method, route, status, durationMs) {
      const labels = { method, route, status: String(status) };
      http.inc(labels);
      httpSeconds.observe(labels, seconds(durationMs));
    },
    taskCreated: (engine, mode) => created.inc({ engine, mode }),
    taskStarted: (engine, mode, queueWaitMs) => queueWait.observe({ engine, mode }, seconds(queueWaitMs)),
    taskEnded(engine, mode, outcome, runMs, totalMs) {
      ended.inc({ engine, mode, outcome });
      if (runMs !== null) runTime.observe({ engine, mode, outcome }, seconds(runMs));
      totalTime.observe({ engine, mode, outcome }, seconds(totalMs));
    },
    queueDepth(counts) {
      queued.reset();
      running.reset();
      for (const c of counts) queued.set({ engine: c.engine }, c.pending), running.set({ engine: c.engine }, c.running);
    },
    upstreamCall: (engine, account, outcome) => upstream.inc({ engine, account, outcome }),
    webhookDelivery: (outcome) => webhooks.inc({ outcome }),
    ledgerMovement(kind, currency, amountMinor) {
      // A zero still shows the currency's series (so a rate over it starts from a known value).
      (kind === 'captured' ? captured : released).inc({ currency }, Math.max(0, amountMinor));
    },
    rateLimitFallback: () => rateFallbacks.inc(),
    render: async () => ({ contentType: registry.contentType, text: await registry.metrics() }),
  };
}
