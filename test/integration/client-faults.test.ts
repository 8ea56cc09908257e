/**
 * The SDK when the network or the server misbehaves, through a proxy on 127.0.0.1 in front of a real
 * server: retries (429/503 first, Retry-After honoured, never other 4xx), a connection cut during a
 * create (exactly one task), timeouts and aborts, dropped event streams, downloads cut midway, and a
 * gateway without the event-stream and content routes.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  BadRequestError,
  InternalServerError,
  RateLimitError,
  WaitTimeoutError,
  Wangate,
} from '../../packages/client/src/index.js';
import { route, startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { createKey, startTestServer, testAdminKey, type TestServer } from '../helpers/start-test-server.js';
import { expectSameBytes } from '../helpers/expect-same-bytes.js';

let server: TestServer;
let proxy: FaultProxy;
let dir: string;
beforeAll(async () => {
  server = await startTestServer({ WORKER_CONCURRENCY: '2' });
  dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-sdk-faults-'));
});
afterAll(async () => {
  await server?.cleanup();
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await proxy?.close();
});

async function clientThroughProxy(opts: { maxRetries?: number; timeout?: number; apiKey?: string } = {}): Promise<Wangate> {
  proxy = await startFaultProxy(server.url);
  return new Wangate({ apiKey: opts.apiKey ?? testAdminKey, baseURL: proxy.url, ...opts });
}

const small = { model: 'wan2.7', prompt: 'faults', resolution: '720P', duration: 2 } as const;
const create = route('POST', /^\/v1\/videos\/generations$/);
const creates = () => proxy.requests.filter(create);

describe('retries', () => {
  it('retries a create answered 429 then 503, waiting the Retry-After, with one Idempotency-Key: one task', async () => {
    const key = await createKey(server, { name: 'retry-429' });
    const client = await clientThroughProxy({ apiKey: key.key });
    proxy.inject(create, { status: 429, headers: { 'retry-after': '1' } }, { status: 503 });
    const { id } = await client.videos.generate(small);
    const sent = creates();
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(sent[1]!.atMs - sent[0]!.atMs).toBeGreaterThanOrEqual(950);
    const { json } = await server.api('GET', '/v1/tasks', undefined, key.key);
    expect(json.data.map((t: { id: string }) => t.id)).toEqual([id]);
  });

  it('resends a create whose connection was cut after the server accepted it, and the server makes exactly one task', async () => {
    const key = await createKey(server, { name: 'retry-cut' });
    const client = await clientThroughProxy({ apiKey: key.key });
    proxy.inject(create, { cut: 'after-upstream' });
    const { id } = await client.videos.generate(small);
    expect(proxy.createdTaskIds).toEqual([id, id]);
    const { json } = await server.api('GET', '/v1/tasks', undefined, key.key);
    expect(json.data).toHaveLength(1);
    expect((await client.tasks.wait(id)).status).toBe('completed');
  });

  it('never retries another 4xx, and gives up after maxRetries', async () => {
    const client = await clientThroughProxy({ maxRetries: 1 });
    await expect(client.videos.generate({ ...small, duration: 99 })).rejects.toBeInstanceOf(BadRequestError);
    expect(creates()).toHaveLength(1);
    proxy.inject(create, { status: 503 }, { status: 503 });
    const error = await client.videos.generate(small).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 503 });
    expect(creates()).toHaveLength(3);
    proxy.inject(create, { status: 429, headers: { 'retry-after': '3600' } });
    await expect(client.videos.generate(small)).rejects.toBeInstanceOf(RateLimitError);
    expect(creates()).toHaveLength(4);
  });

  it('does not resend a credit after a cut connection (it may have been applied), but does after a 503', async () => {
    const client = await clientThroughProxy();
    const { id } = await client.keys.create({ name: 'credit-me', balance: 0 });
    const credit = route('POST', /\/credit$/);
    proxy.inject(credit, { cut: 'after-upstream' });
    await expect(client.keys.credit(id, { amount: 1 })).rejects.toBeInstanceOf(APIConnectionError);
    expect(proxy.requests.filter(credit)).toHaveLength(1);
    proxy.inject(credit, { status: 503 });
    expect((await client.keys.credit(id, { amount: 1 })).balance).toBe(2);
    expect(proxy.requests.filter(credit)).toHaveLength(3);
  });

  it('times out a stalled request (APIConnectionTimeoutError), retries it, and stops on abort (APIUserAbortError)', async () => {
    const client = await clientThroughProxy({ timeout: 300, maxRetries: 0 });
    const me = route('GET', /^\/v1\/me$/);
    proxy.inject(me, { hang: true });
    await expect(client.me.retrieve()).rejects.toBeInstanceOf(APIConnectionTimeoutError);
    proxy.inject(me, { hang: true });
    expect((await client.me.retrieve({ maxRetries: 1 })).id).toBeTruthy();
    proxy.inject(me, { hang: true });
    const controller = new AbortController();
    const pending = client.me.retrieve({ timeout: 60_000, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
  });
});

describe('waiting and downloading through faults', () => {
  it('wait polls (with Prefer: wait) where the gateway has no event stream', async () => {
    const client = await clientThroughProxy();
    const events = route('GET', /\/events$/);
    proxy.inject(events, ...Array.from({ length: 20 }, () => ({ status: 404, reason: 'route_not_found' })));
    const { id } = await client.videos.generate(small);
    expect((await client.tasks.wait(id)).status).toBe('completed');
    expect(proxy.requests.filter(events)).toHaveLength(1);
    expect(proxy.requests.some((r) => r.url === `/v1/tasks/${id}` && /^wait=\d+$/.test(String(r.headers.prefer)))).toBe(true);
  });

  it('wait survives event streams cut midway: it reads the task and reconnects', async () => {
    const client = await clientThroughProxy();
    const events = route('GET', /\/events$/);
    proxy.inject(events, { cut: 'mid-body', afterBytes: 20 }, { cut: 'mid-body', afterBytes: 20 });
    const { id } = await client.videos.generate(small);
    expect((await client.tasks.wait(id)).status).toBe('completed');
    expect(proxy.requests.filter(events).length).toBeGreaterThanOrEqual(2);
  });

  it('wait gives up after maxWaitMs with WaitTimeoutError; the task keeps its state', async () => {
    const idle = await startTestServer({ WORKER_CONCURRENCY: '0' });
    try {
      const client = new Wangate({ apiKey: testAdminKey, baseURL: idle.url });
      const { id } = await client.videos.generate(small);
      const error = await client.tasks.wait(id, { maxWaitMs: 300 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WaitTimeoutError);
      expect((error as WaitTimeoutError).lastTask).toMatchObject({ id, status: 'pending' });
    } finally {
      await idle.cleanup();
    }
  });

  it('saveContent resumes a download cut midway with Range and If-Range, and the file is whole', async () => {
    const client = await clientThroughProxy();
    const task = await client.videos.generateAndWait(small);
    const content = route('GET', /\/content$/);
    proxy.inject(content, { cut: 'mid-body', afterBytes: 5000 });
    const file = path.join(dir, 'cut.mp4');
    const saved = await client.tasks.saveContent(task.id, file);
    const resumed = proxy.requests.filter(content);
    expect(resumed).toHaveLength(2);
    expect(resumed[1]!.headers).toMatchObject({ range: 'bytes=5000-', 'if-range': expect.any(String) });
    const whole = Buffer.from(await (await fetch(`${server.url}/v1/tasks/${task.id}/content`, { headers: { authorization: `Bearer ${testAdminKey}` } })).arrayBuffer());
    expect(saved.bytes).toBe(whole.length);
    expectSameBytes(await readFile(file), whole);
  });

  it('downloads from the signed result URL where the gateway has no content route', async () => {
    const client = await clientThroughProxy();
    const task = await client.videos.generateAndWait(small);
    proxy.inject(route('GET', /\/content$/), { status: 404, reason: 'route_not_found' });
    const res = await client.tasks.downloadContent(task.id);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });
});
