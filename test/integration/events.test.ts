/** GET /v1/tasks/{id}/events: a Server-Sent Events stream of status and progress, ending with the outcome. */
import { afterEach, describe, expect, it } from 'vitest';
import { cancelTask } from '../../src/app/cancel-task.js';
import { countOpenWatches } from '../../src/app/watch-task.js';
import { parseConfig } from '../../src/config.js';
import { buildServices } from '../../src/services.js';
import { openSse, type SseStream } from '../helpers/sse-client.js';
import { startTestServer, submitTask, testAdminKey, waitForTask, type TestServer } from '../helpers/start-test-server.js';
import { until } from '../helpers/until.js';

let server: TestServer | undefined;
const streams: SseStream[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) s.abort();
  await server?.cleanup();
  server = undefined;
});

const t2v = (prompt: string, extra: object = {}) => ({ model: 'wan2.7', prompt, resolution: '720P', duration: 2, ...extra });


async function stream(s: TestServer, taskId: string, key = testAdminKey): Promise<SseStream> {
  const st = await openSse(`${s.url}/v1/tasks/${taskId}/events`, key);
  streams.push(st);
  return st;
}

describe('task event stream', () => {
  it('sees pending, processing and progress, then ends with completed for a real local render', async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '1' });
    // A longer task ahead keeps ours queued while the stream opens.
    const ahead = await submitTask(server, t2v('ahead in the queue', { duration: 4 }));
    const id = await submitTask(server, t2v('streamed render'));
    const st = await stream(server, id);
    expect(st.status).toBe(200);
    expect(st.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(st.headers.get('cache-control')).toContain('no-cache');

    await st.closed;
    const events = st.messages.filter((m) => m.event !== 'comment');
    const names = events.map((m) => m.event);
    expect(names[0]).toBe('pending');
    expect(names).toContain('processing');
    expect(names).toContain('progress');
    expect(names[names.length - 1]).toBe('completed');
    expect(names.filter((n) => n === 'completed')).toHaveLength(1);

    const tasks = events.map((m) => JSON.parse(m.data));
    expect(tasks.every((t) => t.id === id)).toBe(true);
    expect(tasks[0].queue_position).toBeGreaterThanOrEqual(0);
    // Progress only moves forward while processing.
    const progress = tasks.filter((t) => t.status === 'processing').map((t) => t.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    // The last event carries the same task JSON GET /v1/tasks/{id} returns.
    const final = await server.api('GET', `/v1/tasks/${id}`);
    expect(tasks[tasks.length - 1]).toEqual(final.json.data);
    expect(tasks[tasks.length - 1].result.videos[0].url[0]).toMatch(/^http/);
    await waitForTask(server, ahead);
    expect(countOpenWatches()).toBe(0);
  });

  it('sends the outcome at once and closes for a task that already ended', async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '0' });
    const id = await submitTask(server, t2v('cancelled before streaming'));
    await server.api('POST', `/v1/tasks/${id}/cancel`);
    const st = await stream(server, id);
    await st.closed;
    expect(st.messages.filter((m) => m.event !== 'comment').map((m) => m.event)).toEqual(['cancelled']);
  });

  it('sends a heartbeat comment on the configured interval while nothing changes', async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '0', SSE_HEARTBEAT_MS: '100' });
    const id = await submitTask(server, t2v('nothing happens'));
    const st = await stream(server, id);
    await st.waitFor((m) => m.event === 'pending');
    await until(() => st.messages.filter((m) => m.event === 'comment' && m.comment === 'ping').length >= 3, 3000);
    expect(st.messages.filter((m) => m.event === 'pending')).toHaveLength(1);
  });

  it('a client that disconnects leaves no subscription or timer behind', async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '0', SSE_HEARTBEAT_MS: '50', TASK_WATCH_POLL_MS: '50' });
    const id = await submitTask(server, t2v('abandoned stream'));
    const before = countOpenWatches();
    const st = await stream(server, id);
    await st.waitFor((m) => m.event === 'pending');
    expect(countOpenWatches()).toBe(before + 1);
    st.abort();
    await until(() => countOpenWatches() === before);
    // The server keeps answering, and a cancel after the disconnect is not written anywhere.
    expect((await server.api('POST', `/v1/tasks/${id}/cancel`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(countOpenWatches()).toBe(before);
  });

  it('sees a change made by another process through the store', async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '0', TASK_WATCH_POLL_MS: '200' });
    const id = await submitTask(server, t2v('changed elsewhere'));
    const st = await stream(server, id);
    await st.waitFor((m) => m.event === 'pending');
    // A second set of services on the same data dir has its own in-process events: only the store links them.
    const other = await buildServices(parseConfig({ DATA_DIR: server.dataDir, LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '0' }));
    try {
      const me = await server.api('GET', '/v1/me');
      await cancelTask(other.deps, { keyId: me.json.data.id, taskId: id });
    } finally {
      await other.close();
    }
    const cancelled = await st.waitFor((m) => m.event === 'cancelled', 5000);
    expect(JSON.parse(cancelled.data).status).toBe('cancelled');
    await st.closed;
  });

  it("another key's task answers 404 like an unknown id, and no key answers 401", async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '0' });
    const id = await submitTask(server, t2v('private'));
    const other = await server.api('POST', '/admin/keys', { name: 'other' });
    const theirs = await fetch(`${server.url}/v1/tasks/${id}/events`, { headers: { authorization: `Bearer ${other.json.data.key}` } });
    expect(theirs.status).toBe(404);
    expect(theirs.headers.get('content-type')).toMatch(/^application\/json/);
    const theirsBody = (await theirs.json()) as any;
    const unknown = await fetch(`${server.url}/v1/tasks/task_01JZZZZZZZZZZZZZZZZZZZZZZZ/events`, { headers: { authorization: `Bearer ${other.json.data.key}` } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as any).error.reason).toBe(theirsBody.error.reason);
    expect((await fetch(`${server.url}/v1/tasks/${id}/events`)).status).toBe(401);
    // HEAD answers the headers and ends, without holding a stream open.
    const head = await fetch(`${server.url}/v1/tasks/${id}/events`, { method: 'HEAD', headers: { authorization: `Bearer ${testAdminKey}` } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(countOpenWatches()).toBe(0);
  });
});
