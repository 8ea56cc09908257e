/**
 * The server with STORAGE_URL=s3://… (s3rver on 127.0.0.1): a t2v task on the local engine ends with
 * its MP4 in the bucket, never in DATA_DIR; the result downloads through the signed URL (whole, by
 * Range, HEAD) or, with RESULT_DELIVERY=redirect, through a 302 to a presigned URL; uploads round-trip;
 * retention deletes objects; a store failing while the result is saved retries the task, which is
 * neither completed nor charged without its file.
 */
import { readdir, readFile, rm, mkdtemp } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Store, type S3Store } from '../../src/adapters/storage/s3-store.js';
import { runTaskStep } from '../../src/app/run-task-step.js';
import { sweepRetention } from '../../src/app/sweep-retention.js';
import { route, startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { makeFixtures, type Fixtures } from '../helpers/make-fixtures.js';
import { s3Credentials, startS3Server, type S3Server } from '../helpers/s3-server.js';
import { startClockedServer, type ClockedServer } from '../helpers/start-clocked-server.js';
import { createKey, startTestServer, submitTask, testAdminKey, waitForTask, type TestServer } from '../helpers/start-test-server.js';

const hourMs = 3600_000;
let s3: S3Server;
let proxy: FaultProxy;
let bucket: S3Store;
let fx: Fixtures;
let dir: string;
const savedEnv = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

beforeAll(async () => {
  s3 = await startS3Server();
  proxy = await startFaultProxy(s3.endpoint);
  // The server takes its credentials from the standard AWS variables, as in production.
  process.env.AWS_ACCESS_KEY_ID = s3Credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3Credentials.secretAccessKey;
  bucket = createS3Store({ bucket: s3.bucket, prefix: 'it/', endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: s3Credentials });
  dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-object-storage-'));
  fx = await makeFixtures(path.join(dir, 'fixtures'));
});
afterAll(async () => {
  bucket?.close();
  await proxy?.close();
  await s3?.close();
  await rm(dir, { recursive: true, force: true });
  process.env.AWS_ACCESS_KEY_ID = savedEnv.id;
  process.env.AWS_SECRET_ACCESS_KEY = savedEnv.secret;
  if (savedEnv.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
  if (savedEnv.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
});

const storageEnv = (endpoint: string) => ({ STORAGE_URL: `s3://${s3.bucket}/it`, S3_ENDPOINT: endpoint, S3_REGION: 'us-east-1', S3_FORCE_PATH_STYLE: 'true' });
const t2v = { model: 'wan2.7', prompt: 'object storage', resolution: '720P', duration: 2 } as const;
const filesUnder = async (root: string) => (await readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));

describe('object storage, results streamed through signed URLs', () => {
  let server: ClockedServer;
  let key: { id: string; key: string };
  beforeAll(async () => {
    // No worker pool: the test runs each task step, so it can fail the store between them.
    server = await startClockedServer({ ...storageEnv(proxy.url), WORKER_CONCURRENCY: '0' });
    key = await createKey(server, { name: 's3', balance: 1 });
  });
  afterAll(async () => {
    await server?.cleanup();
  });

  it('retries a task whose result the store refused, charging nothing, then completes it with the file in the bucket', async () => {
    const id = await submitTask(server, t2v, key.key);
    // Each of the SDK's three attempts answered 503: the attempt fails, the task goes back to the queue.
    proxy.inject(route('PUT', /\/it\/results\//), { status: 503 }, { status: 503 }, { status: 503 });
    expect(await runTaskStep(server.deps, server.deps.engine, 'wrk_s3_test', { pollIntervalMs: 50 })).toBe('retry');
    const retried = (await server.api('GET', `/v1/tasks/${id}`, undefined, key.key)).json.data;
    expect(retried.status).toBe('pending');
    expect(retried.result ?? null).toBeNull();
    expect(await bucket.list('results/')).toEqual([]);
    const usage = (await server.api('GET', '/v1/usage?limit=50', undefined, key.key)).json.data.entries;
    expect(usage.filter((e: any) => e.task_id === id).map((e: any) => e.kind)).toEqual(['hold']);

    server.clock.advance(60_000);
    expect(await runTaskStep(server.deps, server.deps.engine, 'wrk_s3_test', { pollIntervalMs: 50 })).toBe('completed');
    const done = (await server.api('GET', `/v1/tasks/${id}`, undefined, key.key)).json.data;
    expect(done.status).toBe('completed');
    const blobKey = (await server.deps.tasks.getTask(id))!.result!.blobKey;
    expect(await bucket.list('results/')).toEqual([blobKey]);
    const stored = await buffer((await bucket.open(blobKey))!);
    expect(stored.subarray(4, 8).toString()).toBe('ftyp');

    // The signed URL streams it from the bucket: whole, by Range, and HEAD.
    const url = done.result.videos[0].url[0];
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await whole.arrayBuffer()).equals(stored)).toBe(true);
    const ranged = await fetch(url, { headers: { range: 'bytes=100-1099', 'if-range': whole.headers.get('etag')! } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 100-1099/${stored.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(stored.subarray(100, 1100))).toBe(true);
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(stored.length));
    // node:http, not fetch: fetch adds Cache-Control: no-cache to a conditional request, which forbids a 304.
    const revalidated = await new Promise<number>((resolve, reject) =>
      http.get(url, { headers: { 'if-none-match': whole.headers.get('etag')! } }, (r) => (r.resume(), resolve(r.statusCode!))).on('error', reject),
    );
    expect(revalidated).toBe(304);

    // Nothing of it on this process's disk: no result file, and the run's scratch folder is gone.
    expect((await filesUnder(server.dataDir)).filter((f) => f.endsWith('.mp4'))).toEqual([]);
    expect((await filesUnder(path.join(server.dataDir, 'scratch')))).toEqual([]);

    // Retention deletes the object in the bucket.
    server.clock.advance(73 * hourMs);
    expect(await sweepRetention(server.deps)).toBeGreaterThanOrEqual(1);
    expect(await bucket.stat(blobKey)).toBeUndefined();
    expect((await fetch(url)).status).not.toBe(200);
  });

  it('keeps an upload in the bucket and serves it back byte for byte', async () => {
    const png = await readFile(fx.redPng);
    const res = await fetch(`${server.url}/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${key.key}`, 'content-type': 'image/png' }, body: png });
    expect(res.status).toBe(200);
    const file = ((await res.json()) as any).data;
    expect(await bucket.list(`uploads/${file.id}`)).toEqual([`uploads/${file.id}`]);
    const back = await fetch(`${server.url}/v1/files/${file.id}/content`, { headers: { authorization: `Bearer ${key.key}` } });
    expect(back.status).toBe(200);
    expect(Buffer.from(await back.arrayBuffer()).equals(png)).toBe(true);
    expect(await filesUnder(path.join(server.dataDir))).not.toContainEqual(expect.stringContaining(file.id));
  });

  it('reports object storage in /readyz', async () => {
    const ready = await server.api('GET', '/readyz', undefined, null);
    expect(ready.json).toMatchObject({ ready: true, checks: { store: 'ok', storage: 'ok' } });
  });
});

describe('object storage with RESULT_DELIVERY=redirect', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ...storageEnv(s3.endpoint), RESULT_DELIVERY: 'redirect', RESULT_REDIRECT_TTL_SECONDS: '120' });
  });
  afterAll(async () => {
    await server?.cleanup();
  });

  it('runs a t2v task through the worker pool and answers its downloads with a 302 to a presigned URL that serves the video', async () => {
    const id = await submitTask(server, { ...t2v, prompt: 'redirected' });
    const done = await waitForTask(server, id);
    expect(done.status).toBe('completed');
    const signed = await fetch(done.result.videos[0].url[0], { redirect: 'manual' });
    expect(signed.status).toBe(302);
    const location = signed.headers.get('location')!;
    expect(location.startsWith(`${s3.endpoint}/${s3.bucket}/it/results/`)).toBe(true);
    expect(location).toMatch(/X-Amz-Expires=120/);
    const video = await fetch(location);
    expect(video.status).toBe(200);
    expect(video.headers.get('content-type')).toBe('video/mp4');
    const bytes = Buffer.from(await video.arrayBuffer());
    expect(bytes.subarray(4, 8).toString()).toBe('ftyp');
    const ranged = await fetch(location, { headers: { range: 'bytes=0-99' } });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(0, 100))).toBe(true);

    // The keyed content route redirects too; a following client gets the same bytes.
    const keyed = await fetch(`${server.url}/v1/tasks/${id}/content`, { headers: { authorization: `Bearer ${testAdminKey}` } });
    expect(keyed.status).toBe(200);
    expect(Buffer.from(await keyed.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await filesUnder(server.dataDir)).filter((f) => f.endsWith('.mp4'))).toEqual([]);
  });
});
