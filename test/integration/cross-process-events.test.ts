/**
 * Two servers with their own connection pools on one PostgreSQL schema stand for two machines: an API
 * process (no workers) and a worker process. Their store polling is set to a minute, longer than these
 * tests may run, so whatever arrives in time came through LISTEN/NOTIFY.
 */
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { openSse, type SseStream } from '../helpers/sse-client.js';
import { applicationNameFor } from '../../src/adapters/signals/pg-task-events.js';
import { createTestSchema, queryTestDatabase, type TestSchema } from '../helpers/pg-schema.js';
import { startTestServer, submitTask, testAdminKey, type TestServer } from '../helpers/start-test-server.js';
import { until } from '../helpers/until.js';

const slow = { WORKER_IDLE_POLL_MS: '60000', TASK_WATCH_POLL_MS: '60000', SSE_HEARTBEAT_MS: '60000' };
const t2v = (prompt: string, extra: object = {}) => ({ model: 'wan2.7', prompt, resolution: '720P', duration: 2, ...extra });

let schema: TestSchema | undefined;
const servers: TestServer[] = [];
const streams: SseStream[] = [];

afterEach(async () => {
  for (const s of streams.splice(0)) s.abort();
  // A drain with no task grace hands a render still running back at once, where a stop would let it
  // finish for nobody.
  for (const s of servers.splice(0)) {
    await s.drain();
    await rm(s.dataDir, { recursive: true, force: true });
  }
  await schema?.drop();
  schema = undefined;
});

async function twoProcesses(): Promise<{ api: TestServer; worker: TestServer }> {
  schema = await createTestSchema();
  const api = await startTestServer({ DATABASE_URL: schema.url, WORKER_CONCURRENCY: '0', ...slow });
  servers.push(api);
  const worker = await startTestServer({ DATABASE_URL: schema.url, WORKER_CONCURRENCY: '1', SHUTDOWN_TASK_GRACE_MS: '0', ...slow }, { workOnly: true });
  servers.push(worker);
  return { api, worker };
}

describe('task events across processes (PostgreSQL LISTEN/NOTIFY)', () => {
  it('a task created on the API process wakes the idle worker of the other process at once', async () => {
    const { api, worker } = await twoProcesses();
    const id = await submitTask(api, t2v('wakes the other process'));
    // The worker's idle poll is a minute away: only the notification can have started it.
    await until(async () => (await worker.deps.tasks.getTask(id))?.status !== 'pending', 15_000);
    expect((await api.deps.tasks.getTask(id))?.status).not.toBe('pending');
  });

  it('an event stream on the API process sees progress and the completion made by the worker process', async () => {
    const { api } = await twoProcesses();
    const id = await submitTask(api, t2v('streamed across processes'));
    const st = await openSse(`${api.url}/v1/tasks/${id}/events`, testAdminKey);
    streams.push(st);
    const completed = await st.waitFor((m) => m.event === 'completed', 30_000);
    const names = st.messages.filter((m) => m.event !== 'comment').map((m) => m.event);
    expect(names[0]).toBe('pending');
    expect(names).toContain('processing');
    expect(names).toContain('progress');
    const task = JSON.parse(completed.data);
    expect(task.status).toBe('completed');
    await st.closed;
  });

  it('Prefer: wait on the API process returns as soon as the worker process completes the task', async () => {
    const { api } = await twoProcesses();
    const id = await submitTask(api, t2v('waited across processes'));
    const res = await fetch(`${api.url}/v1/tasks/${id}`, { headers: { authorization: `Bearer ${testAdminKey}`, prefer: 'wait=60' } });
    const body = (await res.json()) as any;
    expect(body.data.status).toBe('completed');
  });

  it('listens again after PostgreSQL drops the listening connections, and wakes the other process as before', async () => {
    const { api, worker } = await twoProcesses();
    const name = applicationNameFor(schema!.name);
    const listeners = async () => (await queryTestDatabase('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [name])).map((r) => r.pid);
    const before = await listeners();
    expect(before).toHaveLength(2);
    await queryTestDatabase('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [name]);
    await until(async () => {
      const now = await listeners();
      return now.length === 2 && now.every((pid) => !before.includes(pid));
    }, 15_000);
    const id = await submitTask(api, t2v('after the reconnect'));
    await until(async () => (await worker.deps.tasks.getTask(id))?.status !== 'pending', 15_000);
  });

  it('a cancel on the API process stops the render running in the worker process', async () => {
    const { api, worker } = await twoProcesses();
    const id = await submitTask(api, t2v('cancelled across processes', { duration: 15, resolution: '1080P' }));
    await until(async () => (await worker.deps.tasks.getTask(id))?.status === 'processing', 15_000);
    const res = await api.api('POST', `/v1/tasks/${id}/cancel`);
    expect(res.json.data.status).toBe('cancelled');
    // The worker's slot is free again: it took the next task (a stuck render would hold it for the whole video).
    const next = await submitTask(api, t2v('after the cancel'));
    await until(async () => (await worker.deps.tasks.getTask(next))?.status === 'completed', 30_000);
  });
});
