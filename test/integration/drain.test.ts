/**
 * Graceful shutdown of the real entry point in its own process: SIGTERM drains (readiness off, requests
 * in flight answered, event streams closed with a retry hint, the running task handed back, exit 0); a
 * second SIGTERM or the drain bound exits at once, leaving the lease to run out as after a crash.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/adapters/store-sqlite/sqlite-store.js';
import { parseConfig } from '../../src/config.js';
import { startFakeDashscope } from '../../src/dev/fake-dashscope/fake-dashscope.js';
import { startServer } from '../../src/main.js';
import { fastDashscopeEnv } from '../helpers/fast-dashscope-env.js';
import { openSse } from '../helpers/sse-client.js';
import { killHard, spawnServer, type ServerProcess } from '../helpers/spawn-server.js';
import { testAdminKey } from '../helpers/start-test-server.js';
import { until } from '../helpers/until.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function start(env: Record<string, string>): Promise<{ p: ServerProcess; dir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-drain-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const p = await spawnServer({ DATA_DIR: dir, WANGATE_ADMIN_KEY: testAdminKey, WORKER_CONCURRENCY: '1', WORKER_IDLE_POLL_MS: '100', ...env });
  cleanups.push(() => killHard(p));
  return { p, dir };
}

const call = (p: ServerProcess, method: string, urlPath: string, body?: object, headers: Record<string, string> = {}) =>
  fetch(p.url + urlPath, {
    method,
    headers: { authorization: `Bearer ${testAdminKey}`, ...(body && { 'content-type': 'application/json' }), ...headers },
    ...(body && { body: JSON.stringify(body) }),
  });

/** A render long enough to be running whenever the test looks. */
async function runningTask(p: ServerProcess): Promise<string> {
  const res = await call(p, 'POST', '/v1/videos/generations', { model: 'wan2.7', prompt: 'a long render', resolution: '1080P', duration: 15 });
  const id = ((await res.json()) as any).data[0].task_id as string;
  await until(async () => ((await (await call(p, 'GET', `/v1/tasks/${id}`)).json()) as any).data.status === 'processing', 30_000);
  return id;
}

const exitCode = (p: ServerProcess) =>
  new Promise<number | null>((resolve) => (p.child.exitCode !== null ? resolve(p.child.exitCode) : p.child.once('exit', (code) => resolve(code))));

async function readTask(dir: string, id: string) {
  const store = openSqliteStore(path.join(dir, 'wangate.db'));
  try {
    return (await store.tasks.getTask(id))!;
  } finally {
    await store.close();
  }
}

describe('graceful drain on SIGTERM', () => {
  it('turns unready, answers the waiting request, closes the event stream with a retry hint, hands the task back, exits 0', async () => {
    const { p, dir } = await start({ METRICS_PORT: '0', SHUTDOWN_TASK_GRACE_MS: '3000' });
    const id = await runningTask(p);
    const stream = await openSse(`${p.url}/v1/tasks/${id}/events`, testAdminKey);
    await stream.waitFor((m) => m.event === 'processing' || m.event === 'progress');
    const waiting = call(p, 'GET', `/v1/tasks/${id}`, undefined, { prefer: 'wait=60' });
    const exited = exitCode(p);

    p.child.kill('SIGTERM');
    // The metrics port stays up while draining: load balancers see the process go unready.
    await until(async () => (await fetch(`${p.metricsUrl}/readyz`)).status === 503, 5000);
    const ready = (await (await fetch(`${p.metricsUrl}/readyz`)).json()) as any;
    expect(ready).toMatchObject({ ready: false, draining: true });

    const answered = await waiting;
    expect(answered.status).toBe(200);
    expect(((await answered.json()) as any).data.id).toBe(id);
    await stream.closed;
    expect(stream.retries.at(-1)).toBeGreaterThanOrEqual(1000);

    expect(await exited, p.output()).toBe(0);
    const task = await readTask(dir, id);
    expect(task.status).toBe('pending');
    expect(task.leaseOwner).toBeNull();
    // Handing back does not use up one of the task's attempts.
    expect(task.attempts).toBe(0);
    expect(p.output()).toContain('draining');
  });

  it('a second SIGTERM exits at once, leaving the lease to run out as after a crash', async () => {
    const { p, dir } = await start({ SHUTDOWN_TASK_GRACE_MS: '600000', SHUTDOWN_TIMEOUT_MS: '600000' });
    const id = await runningTask(p);
    const exited = exitCode(p);
    p.child.kill('SIGTERM');
    await until(() => p.output().includes('draining'), 5000);
    p.child.kill('SIGTERM');
    expect(await exited).toBe(1);
    const task = await readTask(dir, id);
    expect(task.status).toBe('processing');
    expect(task.leaseOwner).not.toBeNull();
  });

  it('the drain bound (SHUTDOWN_TIMEOUT_MS) exits at once when draining takes longer', async () => {
    const { p } = await start({ SHUTDOWN_TASK_GRACE_MS: '600000', SHUTDOWN_TIMEOUT_MS: '300' });
    await runningTask(p);
    const exited = exitCode(p);
    p.child.kill('SIGTERM');
    expect(await exited).toBe(1);
    expect(p.output()).toContain('still draining after 300 ms');
  });

  it('hands an upstream task back at its next heartbeat, its engine state kept, without waiting out the render grace', async () => {
    const fake = await startFakeDashscope({ keys: [{ key: 'sk-drain', account: 'acct' }], pendingMs: 60_000, runningMs: 60_000 });
    cleanups.push(() => fake.close());
    const dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-drain-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const config = parseConfig({
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, WANGATE_ADMIN_KEY: testAdminKey, LOG_LEVEL: 'silent', WORKER_POLL_INTERVAL_MS: '100', WORKER_IDLE_POLL_MS: '100',
      WANGATE_ENGINE: 'dashscope', DASHSCOPE_BASE_URL: fake.url, DASHSCOPE_API_KEY: 'sk-drain', SHUTDOWN_TASK_GRACE_MS: '600000', ...fastDashscopeEnv,
    });
    const server = await startServer(config);
    const res = await fetch(`${server.url}/v1/videos/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'wan2.7', prompt: 'an upstream render', resolution: '720P', duration: 2 }),
    });
    const id = ((await res.json()) as any).data[0].task_id as string;
    // Submitted upstream: its state names the upstream task.
    await until(async () => (await server.deps.tasks.getTask(id))?.engineState?.includes('submitted') === true, 15_000);
    // Well within the ten-minute grace a local render would get: the test's own time limit bounds it.
    await server.drain();
    const task = await readTask(dir, id);
    expect(task.status).toBe('pending');
    expect(task.leaseOwner).toBeNull();
    expect(task.engineState).toContain('submitted');
    expect(task.attempts).toBe(0);
  });
});
