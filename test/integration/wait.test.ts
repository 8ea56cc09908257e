/** Prefer: wait=N (RFC 7240) on create and on status: answer when the task ends, or after N seconds. */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cancelTask } from '../../src/app/cancel-task.js';
import { parseConfig } from '../../src/config.js';
import { preferredWaitSeconds } from '../../src/http/prefer-wait.js';
import { buildServices } from '../../src/services.js';
import { countOpenWatches } from '../../src/app/watch-task.js';
import { startTestServer, testAdminKey, type TestServer } from '../helpers/start-test-server.js';
import { until } from '../helpers/until.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.cleanup();
  server = undefined;
});
// The tests whose tasks only need to stay pending share one server without workers.
let idle: Promise<TestServer> | undefined;
const idleServer = () => (idle ??= startTestServer({ WORKER_CONCURRENCY: '0' }));
afterAll(async () => {
  await (await idle)?.cleanup();
});

const short = { model: 'wan2.7', prompt: 'a short wait test', resolution: '720P', duration: 2 };

async function call(s: TestServer, method: string, urlPath: string, opts: { body?: unknown; prefer?: string } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${testAdminKey}` };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.prefer !== undefined) headers.prefer = opts.prefer;
  const started = Date.now();
  const res = await fetch(s.url + urlPath, { method, headers, ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }) });
  return { status: res.status, json: (await res.json()) as any, headers: res.headers, elapsedMs: Date.now() - started };
}

describe('Prefer: wait', () => {
  it('on create answers with the terminal status of a short render, in the seed shape', async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '1' });
    const res = await call(server, 'POST', '/v1/videos/generations', { body: short, prefer: 'wait=60' });
    expect(res.status).toBe(200);
    expect(res.headers.get('preference-applied')).toBe('wait=60');
    expect(res.json).toEqual({ code: 200, data: [{ status: 'completed', task_id: expect.stringMatching(/^task_/) }] });
    const task = await call(server, 'GET', `/v1/tasks/${res.json.data[0].task_id}`);
    expect(task.json.data.status).toBe('completed');
  });

  it('on status returns as soon as the task ends', async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '1' });
    const created = await call(server, 'POST', '/v1/videos/generations', { body: short });
    expect(created.json.data[0].status).toBe('submitted');
    const res = await call(server, 'GET', `/v1/tasks/${created.json.data[0].task_id}`, { prefer: 'respond-async, wait=30' });
    expect(res.status).toBe(200);
    expect(res.headers.get('preference-applied')).toBe('wait=30');
    expect(res.json.data).toMatchObject({ status: 'completed', progress: 100 });
    expect(res.elapsedMs).toBeLessThan(30_000);
  });

  it('returns after N seconds with the task still pending when it cannot finish', async () => {
    const server = await idleServer();
    const created = await call(server, 'POST', '/v1/videos/generations', { body: short, prefer: 'wait=1' });
    expect(created.json.data[0].status).toBe('submitted');
    expect(created.headers.get('preference-applied')).toBe('wait=1');
    expect(created.elapsedMs).toBeGreaterThanOrEqual(950);
    expect(created.elapsedMs).toBeLessThan(5000);

    const status = await call(server, 'GET', `/v1/tasks/${created.json.data[0].task_id}`, { prefer: 'wait=1' });
    expect(status.json.data.status).toBe('pending');
    expect(status.headers.get('preference-applied')).toBe('wait=1');
    expect(status.elapsedMs).toBeGreaterThanOrEqual(950);
    expect(countOpenWatches()).toBe(0);
  });

  it('ends a wait at once when the task is cancelled in the meantime', async () => {
    const server = await idleServer();
    const created = await call(server, 'POST', '/v1/videos/generations', { body: short });
    const id = created.json.data[0].task_id;
    const before = countOpenWatches();
    const waiting = call(server, 'GET', `/v1/tasks/${id}`, { prefer: 'wait=20' });
    // The cancel must land while the request waits, not before it starts.
    await until(() => countOpenWatches() === before + 1);
    expect((await call(server, 'POST', `/v1/tasks/${id}/cancel`)).status).toBe(200);
    const res = await waiting;
    expect(res.json.data.status).toBe('cancelled');
    expect(res.elapsedMs).toBeLessThan(5000);
  });

  it('sees a change made by another process through the store poll', async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '0', TASK_WATCH_POLL_MS: '200' });
    const created = await call(server, 'POST', '/v1/videos/generations', { body: short });
    const id = created.json.data[0].task_id;
    const before = countOpenWatches();
    const waiting = call(server, 'GET', `/v1/tasks/${id}`, { prefer: 'wait=20' });
    await until(() => countOpenWatches() === before + 1);
    // Other services on the same data dir: their in-process events never reach this server.
    const other = await buildServices(parseConfig({ DATA_DIR: server.dataDir, LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '0' }));
    try {
      const me = await call(server, 'GET', '/v1/me');
      await cancelTask(other.deps, { keyId: me.json.data.id, taskId: id });
    } finally {
      await other.close();
    }
    const res = await waiting;
    expect(res.json.data.status).toBe('cancelled');
    expect(res.elapsedMs).toBeLessThan(5000);
  });

  it('ignores an unusable preference (no waiting, no Preference-Applied) and clamps a long one to 60 s', async () => {
    const server = await idleServer();
    for (const prefer of ['wait=0', 'wait=-3', 'wait=abc', 'wait=1.5', 'wait', 'respond-async']) {
      const res = await call(server, 'POST', '/v1/videos/generations', { body: short, prefer });
      expect(res.status, prefer).toBe(200);
      expect(res.headers.get('preference-applied'), prefer).toBeNull();
      expect(res.elapsedMs, prefer).toBeLessThan(900);
    }
    expect(preferredWaitSeconds('wait=600')).toBe(60);
    expect(preferredWaitSeconds('handling=lenient; x=1, WAIT = "7"')).toBe(7);
    expect(preferredWaitSeconds(['respond-async', 'wait=3'])).toBe(3);
    expect(preferredWaitSeconds(undefined)).toBeNull();
  });

  it('another key waiting on the task gets 404, as for an unknown id', async () => {
    const server = await idleServer();
    const created = await call(server, 'POST', '/v1/videos/generations', { body: short });
    const other = await server.api('POST', '/admin/keys', { name: 'other' });
    const res = await fetch(`${server.url}/v1/tasks/${created.json.data[0].task_id}`, {
      headers: { authorization: `Bearer ${other.json.data.key}`, prefer: 'wait=5' },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('preference-applied')).toBeNull();
  });
});
