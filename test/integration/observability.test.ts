/**
 * What an operator watches: /healthz, /readyz, /metrics (on the API port with the admin key, and on the
 * separate loopback port without one), and the shared per-minute limit through Redis, including the
 * failure policy when Redis cannot be reached.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDashscope } from '../../src/dev/fake-dashscope/fake-dashscope.js';
import { createTestSchema } from '../helpers/pg-schema.js';
import { createKey, startTestServer, submitTask, waitForTask, type TestServer } from '../helpers/start-test-server.js';
import { closedPort } from '../helpers/tcp-proxy.js';
import { until } from '../helpers/until.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function server(env: Record<string, string>, opts: { workOnly?: boolean } = {}): Promise<TestServer> {
  const s = await startTestServer(env, opts);
  cleanups.push(() => s.cleanup());
  return s;
}

const t2v = (prompt: string) => ({ model: 'wan2.7', prompt, resolution: '720P', duration: 2 });

/** The value of one sample in Prometheus text format (undefined when absent); labels must match exactly. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = (m[2] ?? '').split(/,(?=[a-zA-Z_]\w*=)/).filter(Boolean).sort().join(',');
    if (got === want) return Number(m[3]);
  }
  return undefined;
}

async function metricsOf(s: TestServer): Promise<string> {
  const res = await s.api('GET', '/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.json as string;
}

describe('health, readiness and metrics', () => {
  it('/healthz answers, /readyz reports the store reachable and the process not draining', async () => {
    const s = await server({ WORKER_CONCURRENCY: '0' });
    expect((await s.api('GET', '/healthz', undefined, null)).json).toEqual({ ok: true });
    const ready = await s.api('GET', '/readyz', undefined, null);
    expect(ready.status).toBe(200);
    expect(ready.json).toEqual({ ready: true, draining: false, checks: { store: 'ok' } });
    s.deps.lifecycle.draining = true;
    const draining = await s.api('GET', '/readyz', undefined, null);
    expect(draining.status).toBe(503);
    expect(draining.json).toMatchObject({ ready: false, draining: true });
  });

  it('/metrics needs the admin key and counts requests, tasks, queue, durations and money without tenant data', async () => {
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    const s = await server({ WORKER_CONCURRENCY: '1', WANGATE_ALLOW_LOOPBACK_WEBHOOKS: 'true' });
    const user = await createKey(s, { name: 'Tenant Name Secret Co', balance: 100, webhook_url: receiver.url('/hook') });
    expect((await s.api('GET', '/metrics', undefined, null)).status).toBe(401);
    expect((await s.api('GET', '/metrics', undefined, user.key)).status).toBe(403);

    const prompt = 'a private prompt about a lighthouse';
    const id = await submitTask(s, t2v(prompt), user.key);
    expect((await waitForTask(s, id, user.key)).status).toBe('completed');
    await s.api('GET', `/v1/tasks/${id}`, undefined, user.key);
    await receiver.waitFor(1);
    let text = '';
    await until(async () => sample((text = await metricsOf(s)), 'wangate_webhook_deliveries_total', { outcome: 'delivered' }) === 1);

    expect(sample(text, 'wangate_tasks_created_total', { engine: 'local', mode: 't2v' })).toBe(1);
    expect(sample(text, 'wangate_tasks_ended_total', { engine: 'local', mode: 't2v', outcome: 'completed' })).toBe(1);
    expect(sample(text, 'wangate_task_queue_wait_seconds_count', { engine: 'local', mode: 't2v' })).toBe(1);
    expect(sample(text, 'wangate_task_run_seconds_count', { engine: 'local', mode: 't2v', outcome: 'completed' })).toBe(1);
    expect(sample(text, 'wangate_task_end_to_end_seconds_count', { engine: 'local', mode: 't2v', outcome: 'completed' })).toBe(1);
    expect(sample(text, 'wangate_tasks_queued', { engine: 'local' })).toBe(0);
    expect(sample(text, 'wangate_tasks_running', { engine: 'local' })).toBe(0);
    // 2 s at 720P: 0.2 USD held and captured in full (minor units of 1/10000).
    expect(sample(text, 'wangate_ledger_captured_minor_total', { currency: 'USD' })).toBe(2000);
    expect(sample(text, 'wangate_ledger_released_minor_total', { currency: 'USD' })).toBe(0);
    // Routes by pattern, never by id.
    expect(sample(text, 'wangate_http_requests_total', { method: 'GET', route: '/v1/tasks/:taskId', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'wangate_http_requests_total', { method: 'POST', route: '/v1/videos/generations', status: '200' })).toBe(1);
    expect(sample(text, 'wangate_http_requests_total', { method: 'GET', route: '/metrics', status: '401' })).toBe(1);
    expect(sample(text, 'wangate_http_request_duration_seconds_count', { method: 'POST', route: '/v1/videos/generations', status: '200' })).toBe(1);
    expect(text).toContain('process_cpu_seconds_total');
    for (const secret of [user.key, user.id, id, prompt, 'Tenant Name']) expect(text).not.toContain(secret);
  });

  it('METRICS_PORT serves /metrics, /healthz and /readyz on loopback without a key, in a worker-only process too', async () => {
    const s = await server({ WORKER_CONCURRENCY: '1', METRICS_PORT: '0' }, { workOnly: true });
    expect(s.url).toBe('');
    expect(s.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const metrics = await fetch(`${s.metricsUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('wangate_tasks_queued');
    expect((await fetch(`${s.metricsUrl}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${s.metricsUrl}/healthz`)).json()).toEqual({ ok: true });
  });

  it('counts upstream calls per account (the channel id, never its key)', async () => {
    const fake = await startFakeDashscope({ keys: [{ key: 'sk-upstream-secret', account: 'acct-1' }], pendingMs: 100, runningMs: 200 });
    cleanups.push(() => fake.close());
    const s = await server({ WANGATE_ENGINE: 'dashscope', DASHSCOPE_BASE_URL: fake.url, DASHSCOPE_API_KEY: 'sk-upstream-secret', WORKER_POLL_INTERVAL_MS: '100', LOG_LEVEL: 'silent' });
    const id = await submitTask(s, t2v('upstream counted'));
    expect((await waitForTask(s, id)).status).toBe('completed');
    const text = await metricsOf(s);
    expect(sample(text, 'wangate_upstream_calls_total', { engine: 'dashscope', account: 'default', outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    expect(text).not.toContain('sk-upstream-secret');
  });
});

describe('per-minute limits in Redis', () => {
  it('two API processes share one count: exactly the limit passes between them', async () => {
    const schema = await createTestSchema();
    cleanups.push(() => schema.drop());
    const env = { DATABASE_URL: schema.url, REDIS_URL: 'redis://127.0.0.1:6379', WORKER_CONCURRENCY: '0' };
    const a = await server(env);
    const b = await server(env);
    const { key } = await createKey(a, { name: 'limited', limits: { requests_per_minute: 5 } });
    const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).api('GET', '/v1/tasks', undefined, key)));
    expect(statuses.filter((r) => r.status === 200)).toHaveLength(5);
    const refused = statuses.filter((r) => r.status === 429);
    expect(refused).toHaveLength(7);
    for (const r of refused) expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await a.api('GET', '/readyz', undefined, null)).json.checks).toEqual({ store: 'ok', redis: 'ok' });
  });

  it('Redis unreachable: the API keeps answering (never a 500), counts per process, reports it, and stays ready', async () => {
    const s = await server({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}`, WORKER_CONCURRENCY: '0' });
    const { key } = await createKey(s, { name: 'limited', limits: { requests_per_minute: 3 } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await s.api('GET', '/v1/tasks', undefined, key)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const ready = await s.api('GET', '/readyz', undefined, null);
    expect(ready.status).toBe(200);
    expect(ready.json.checks).toEqual({ store: 'ok', redis: 'unreachable' });
    expect(sample(await metricsOf(s), 'wangate_rate_limit_fallbacks_total')).toBeGreaterThanOrEqual(5);
  });
});
