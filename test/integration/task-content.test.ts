/**
 * GET /v1/tasks/{id}/content: the finished MP4 with the API key, as a browser's video element reads
 * it (Range requests), with validators (ETag, Last-Modified -> 304) and the spec's error envelope.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testAdminKey, waitForTask, type TestServer } from '../helpers/start-test-server.js';

let server: TestServer;
let idle: TestServer;
let taskId = '';
let video: Buffer;

const get = (s: TestServer, id: string, headers: Record<string, string> = {}, key = testAdminKey) =>
  fetch(`${s.url}/v1/tasks/${id}/content`, { headers: { authorization: `Bearer ${key}`, ...headers } });

beforeAll(async () => {
  [server, idle] = await Promise.all([startTestServer(), startTestServer({ WORKER_CONCURRENCY: '0' })]);
  const created = await server.api('POST', '/v1/videos/generations', { model: 'wan2.7', prompt: 'a red kite over the sea', resolution: '720P', duration: 2 });
  taskId = created.json.data[0].task_id;
  const task = await waitForTask(server, taskId);
  expect(task.status, JSON.stringify(task.error)).toBe('completed');
  // The same bytes as the signed result URL serves.
  video = Buffer.from(await (await fetch(task.result.videos[0].url[0])).arrayBuffer());
  expect(video.length).toBeGreaterThan(2000);
});
afterAll(async () => {
  await Promise.all([server?.cleanup(), idle?.cleanup()]);
});

describe('GET /v1/tasks/{id}/content', () => {
  it('serves the whole MP4 with its validators and Accept-Ranges', async () => {
    const res = await get(server, taskId);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(res.headers.get('content-length')).toBe(String(video.length));
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('etag')).toBeTruthy();
    expect(Date.parse(res.headers.get('last-modified')!)).not.toBeNaN();
    expect(Buffer.from(await res.arrayBuffer()).equals(video)).toBe(true);
  });

  it("answers a video element's open-ended then middle Range requests with correct 206s", async () => {
    const first = await get(server, taskId, { range: 'bytes=0-' });
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-${video.length - 1}/${video.length}`);
    expect(first.headers.get('content-length')).toBe(String(video.length));
    expect(first.headers.get('content-type')).toBe('video/mp4');
    expect(first.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await first.arrayBuffer()).equals(video)).toBe(true);

    const start = Math.floor(video.length / 3);
    const end = start + 999;
    const middle = await get(server, taskId, { range: `bytes=${start}-${end}`, 'if-range': first.headers.get('etag')! });
    expect(middle.status).toBe(206);
    expect(middle.headers.get('content-range')).toBe(`bytes ${start}-${end}/${video.length}`);
    expect(middle.headers.get('content-length')).toBe('1000');
    expect(Buffer.from(await middle.arrayBuffer()).equals(video.subarray(start, end + 1))).toBe(true);

    const tail = await get(server, taskId, { range: 'bytes=-100' });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(video.subarray(video.length - 100))).toBe(true);
  });

  it('answers 304 to If-None-Match with the current ETag', async () => {
    const etag = (await get(server, taskId)).headers.get('etag')!;
    // node:http, not fetch: fetch adds Cache-Control: no-cache to conditional requests (a forced reload).
    const revalidate = (ifNoneMatch: string) =>
      new Promise<{ status: number; etag: string | undefined; bytes: number }>((resolve, reject) => {
        const req = http.get(`${server.url}/v1/tasks/${taskId}/content`, { headers: { authorization: `Bearer ${testAdminKey}`, 'if-none-match': ifNoneMatch } }, (res) => {
          let bytes = 0;
          res.on('data', (c: Buffer) => (bytes += c.length));
          res.on('end', () => resolve({ status: res.statusCode!, etag: res.headers.etag, bytes }));
        });
        req.on('error', reject);
      });
    const res = await revalidate(etag);
    expect(res).toEqual({ status: 304, etag, bytes: 0 });
    expect((await revalidate('"something-else"')).status).toBe(200);
  });

  it('answers 416 with Content-Range bytes */size to an unsatisfiable range', async () => {
    const res = await get(server, taskId, { range: `bytes=${video.length}-` });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe(`bytes */${video.length}`);
    const body = (await res.json()) as any;
    expect(body.error).toMatchObject({ code: 416, reason: 'range_not_satisfiable' });
    expect(body.request_id).toMatch(/^req_/);
  });

  it("answers another key's task exactly like an unknown task (404)", async () => {
    const other = (await server.api('POST', '/admin/keys', { name: 'other' })).json.data.key;
    for (const id of [taskId, 'task_01ARZ3NDEKTSV4RRFFQ69G5FAV']) {
      const res = await get(server, id, {}, other);
      expect(res.status).toBe(404);
      expect(((await res.json()) as any).error.reason).toBe('task_not_found');
    }
    expect((await get(server, taskId, {}, 'wg_not_a_real_key_at_all_0000000')).status).toBe(401);
  });

  it('answers 404 saying why for a task that has no result (yet, or ever)', async () => {
    const created = await idle.api('POST', '/v1/videos/generations', { model: 'wan2.7', prompt: 'waits forever', resolution: '720P', duration: 2 });
    const id = created.json.data[0].task_id;
    const pending = await get(idle, id);
    expect(pending.status).toBe(404);
    expect(((await pending.json()) as any).error).toMatchObject({ type: 'not_found_error', reason: 'result_not_ready' });
    await idle.api('POST', `/v1/tasks/${id}/cancel`);
    const cancelled = await get(idle, id);
    expect(cancelled.status).toBe(404);
    expect(((await cancelled.json()) as any).error).toMatchObject({ reason: 'no_result' });
  });

  it("answers 410 result_expired for a result gone from disk without retention's mark, Range or not", async () => {
    const created = await server.api('POST', '/v1/videos/generations', { model: 'wan2.7', prompt: 'lost on disk', resolution: '720P', duration: 2 });
    const id = created.json.data[0].task_id;
    expect((await waitForTask(server, id)).status).toBe('completed');
    await server.deps.blobs.delete((await server.deps.tasks.getTask(id))!.result!.blobKey);
    for (const headers of [{}, { range: 'bytes=0-99' }] as Record<string, string>[]) {
      const res = await get(server, id, headers);
      expect(res.status).toBe(410);
      expect(((await res.json()) as any).error).toMatchObject({ reason: 'result_expired' });
    }
  });
});
