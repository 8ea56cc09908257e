/**
 * The TypeScript SDK (packages/client) against a real server over HTTP on 127.0.0.1: every method, the
 * typed errors, local inputs uploaded on the fly, downloads with Range and resume, and webhooks.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  InsufficientBalanceError,
  MixedMediaNotAllowedError,
  PermissionDeniedError,
  TaskFailedError,
  TaskNotCancellableError,
  TaskNotFoundError,
  verifyWebhook,
  Wangate,
  WebhookVerificationError,
  type Task,
} from '../../packages/client/src/index.js';
import { expectSameBytes } from '../helpers/expect-same-bytes.js';
import { makeFixtures, type Fixtures } from '../helpers/make-fixtures.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { probeVideo } from '../helpers/probe-video.js';
import { createKey, startTestServer, testAdminKey, type TestServer } from '../helpers/start-test-server.js';

let server: TestServer;
let fx: Fixtures;
let dir: string;
let client: Wangate;

beforeAll(async () => {
  // Webhooks go out within 50 ms of a task's end, not at the next one-second look.
  server = await startTestServer({ WORKER_CONCURRENCY: '2', WANGATE_ALLOW_LOOPBACK_WEBHOOKS: 'true', MAINTENANCE_IDLE_POLL_MS: '50' });
  dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-sdk-'));
  fx = await makeFixtures(path.join(dir, 'fixtures'));
  client = new Wangate({ apiKey: testAdminKey, baseURL: server.url });
});
afterAll(async () => {
  await server?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const small = { model: 'wan2.7', resolution: '720P', duration: 2, seed: 7 } as const;

describe('generating', () => {
  it('generateAndWait renders a text-to-video task, reporting progress, and saveContent writes a playable MP4', async () => {
    const seen: Task[] = [];
    const task = await client.videos.generateAndWait({ ...small, prompt: 'A cat chasing butterflies' }, { onProgress: (t) => seen.push(t) });
    expect(task.status).toBe('completed');
    expect(task.mode).toBe('t2v');
    expect(seen.at(-1)?.status).toBe('completed');
    expect(seen.length).toBeGreaterThanOrEqual(2);
    const file = path.join(dir, 'cat.mp4');
    const saved = await client.tasks.saveContent(task.id, file);
    expect(saved.bytes).toBe((await stat(file)).size);
    await expect(stat(`${file}.part`)).rejects.toThrow();
    expect(await probeVideo(file)).toMatchObject({ width: 1280, height: 720, codecs: ['h264', 'aac'] });
  });

  it('uploads local inputs given in the params (bytes, Blob, File) and routes by them: first + last frame', async () => {
    const first = await readFile(fx.redPng);
    const last = new File([await readFile(fx.blueJpg)], 'last.jpg', { type: 'image/jpeg' });
    const task = await client.videos.generateAndWait({ ...small, prompt: 'red to blue', image_urls: [first, last] });
    expect(task.mode).toBe('i2v_first_last');
    const roles = await client.videos.generateAndWait({ ...small, image_with_roles: [{ url: new Blob([first]), role: 'first_frame' }] });
    expect(roles.mode).toBe('i2v_first_frame');
  });

  it('generate returns the submitted task id and status; retrieve reads it', async () => {
    const submitted = await client.videos.generate({ ...small, prompt: 'submitted' });
    expect(submitted).toEqual({ id: expect.stringMatching(/^task_/), status: 'submitted' });
    const task = await client.tasks.retrieve(submitted.id);
    expect(task).toMatchObject({ id: submitted.id, mode: 't2v', parameters: { resolution: '720P', duration: 2, seed: 7 } });
    expect((await client.tasks.wait(submitted.id)).status).toBe('completed');
  });

  it('events yields the task until it ends, the last event terminal', async () => {
    const { id } = await client.videos.generate({ ...small, prompt: 'events' });
    const events = [];
    for await (const e of client.tasks.events(id)) events.push(e);
    expect(events[0]!.task.id).toBe(id);
    expect(events.at(-1)).toMatchObject({ event: 'completed', task: { status: 'completed', progress: 100 } });
  });

  it('generateAndWait throws TaskFailedError carrying the failed task and its error', async () => {
    // A continuation must be longer than its 3 s clip: the task is accepted, then fails.
    const error = await client.videos.generateAndWait({ ...small, video_urls: [await readFile(fx.clipMp4)], duration: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect((error as TaskFailedError).task).toMatchObject({ status: 'failed', cost: 0, error: { reason: 'duration_too_short' } });
  });
});

describe('uploads, listing, cancelling, downloading', () => {
  it('files.upload takes a path, a stream, bytes and a Blob; files.retrieve reads the file back', async () => {
    const fromPath = await client.files.upload(fx.redPng);
    const fromStream = await client.files.upload(createReadStream(fx.blueJpg));
    const fromBytes = await client.files.upload(await readFile(fx.toneWav));
    const fromBlob = await client.files.upload(new Blob([await readFile(fx.clipMp4)], { type: 'video/mp4' }));
    expect([fromPath.kind, fromStream.kind, fromBytes.kind, fromBlob.kind]).toEqual(['image', 'image', 'audio', 'video']);
    expect(await client.files.retrieve(fromPath.id)).toEqual(fromPath);
    const task = await client.videos.generateAndWait({ ...small, image_urls: [fromPath.url], audio_url: fromBytes.url });
    expect(task.mode).toBe('i2v_first_frame');
  });

  it('tasks.list iterates over every page; listPage and the status filter follow the API', async () => {
    const key = await createKey(server, { name: 'lister' });
    const own = new Wangate({ apiKey: key.key, baseURL: server.url });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await own.videos.generate({ ...small, prompt: `list ${i}` })).id);
    const listed = [];
    for await (const t of own.tasks.list({ limit: 1 })) listed.push(t.id);
    expect(listed).toEqual([...ids].reverse());
    const page = await own.tasks.listPage({ limit: 2 });
    expect(page).toMatchObject({ has_more: true, next_cursor: ids[1] });
    await Promise.all(ids.map((id) => own.tasks.wait(id)));
    const pages = [];
    for await (const p of own.tasks.list({ status: ['completed', 'failed'], limit: 2 }).pages()) pages.push(p.data.length);
    expect(pages).toEqual([2, 1]);
  });

  it('cancel cancels a queued task, answers a cancelled one as it is, and refuses a completed one', async () => {
    const idle = await startTestServer({ WORKER_CONCURRENCY: '0' });
    try {
      const c = new Wangate({ apiKey: testAdminKey, baseURL: idle.url });
      const { id } = await c.videos.generate({ ...small, prompt: 'never runs' });
      expect((await c.tasks.cancel(id)).status).toBe('cancelled');
      expect((await c.tasks.cancel(id)).status).toBe('cancelled');
      expect((await c.tasks.wait(id)).status).toBe('cancelled');
    } finally {
      await idle.cleanup();
    }
    const { id } = await client.videos.generate({ ...small, prompt: 'done' });
    await client.tasks.wait(id);
    await expect(client.tasks.cancel(id)).rejects.toBeInstanceOf(TaskNotCancellableError);
  });

  it('downloadContent answers a Range with 206; saveContent resumes from a partial file', async () => {
    const task = await client.videos.generateAndWait({ ...small, prompt: 'ranges' });
    const full = Buffer.from(await (await client.tasks.downloadContent(task.id)).arrayBuffer());
    const part = await client.tasks.downloadContent(task.id, { range: { start: 10, end: 19 } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(full.subarray(10, 20));
    const file = path.join(dir, 'resumed.mp4');
    await writeFile(`${file}.part`, full.subarray(0, 1000));
    const progress: number[] = [];
    await client.tasks.saveContent(task.id, file, { onProgress: (n) => progress.push(n) });
    expect(progress[0]).toBe(1000);
    expectSameBytes(await readFile(file), full);
  });
});

describe('errors, account and admin', () => {
  it('maps answers to typed errors by status and reason, with param and request id', async () => {
    const bad = new Wangate({ apiKey: 'wg_wrong', baseURL: server.url });
    await expect(bad.tasks.retrieve('task_01ARZ3NDEKTSV4RRFFQ69G5FAV')).rejects.toBeInstanceOf(AuthenticationError);
    await expect(client.tasks.retrieve('task_01ARZ3NDEKTSV4RRFFQ69G5FAV')).rejects.toBeInstanceOf(TaskNotFoundError);
    const mixed = await client.videos.generate({ ...small, image_urls: ['https://example.com/a.png'], video_urls: ['https://example.com/b.mp4'] }).catch((e: unknown) => e);
    expect(mixed).toBeInstanceOf(MixedMediaNotAllowedError);
    expect(mixed).toMatchObject({ status: 400, reason: 'mixed_media_not_allowed', param: expect.any(String), requestId: expect.stringMatching(/^req_/) });
    const poor = await createKey(server, { name: 'poor', balance: 0 });
    const poorClient = new Wangate({ apiKey: poor.key, baseURL: server.url });
    await expect(poorClient.videos.generate({ ...small, prompt: 'no money' })).rejects.toBeInstanceOf(InsufficientBalanceError);
    await expect(poorClient.keys.list()).rejects.toBeInstanceOf(PermissionDeniedError);
    expect(() => new Wangate({ apiKey: '' , baseURL: server.url })).toThrow(/API key/);
  });

  it('me, usage and the admin key methods', async () => {
    const created = await client.keys.create({ name: 'sdk-app', balance: 5, limits: { max_queued: 10 } });
    expect(created.key).toMatch(/^wg_/);
    const app = new Wangate({ apiKey: created.key, baseURL: server.url });
    expect(await app.me.retrieve()).toMatchObject({ id: created.id, balance: 5, webhook_secret: expect.stringMatching(/^whsec_/) });
    expect((await client.keys.list()).map((k) => k.id)).toContain(created.id);
    expect(await client.keys.update(created.id, { name: 'renamed' })).toMatchObject({ name: 'renamed' });
    expect(await client.keys.credit(created.id, { amount: 2.5, note: 'top-up' })).toMatchObject({ balance: 7.5 });
    expect(await client.keys.retrieve(created.id)).toMatchObject({ balance: 7.5 });
    const usage = await app.usage.list({ limit: 10 });
    expect(usage.entries.map((e) => e.kind)).toEqual(['credit', 'credit']);
    expect((await client.keys.revoke(created.id)).revoked).toBe(true);
    await expect(app.me.retrieve()).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('reads WANGATE_API_KEY and WANGATE_BASE_URL when no options are given', async () => {
    const saved = { key: process.env.WANGATE_API_KEY, url: process.env.WANGATE_BASE_URL };
    process.env.WANGATE_API_KEY = testAdminKey;
    process.env.WANGATE_BASE_URL = `${server.url}/`;
    try {
      const fromEnv = new Wangate();
      expect(fromEnv.baseURL).toBe(server.url);
      expect((await fromEnv.me.retrieve()).scopes).toContain('admin');
    } finally {
      for (const [name, value] of [['WANGATE_API_KEY', saved.key], ['WANGATE_BASE_URL', saved.url]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('verifyWebhook accepts a delivery the server signed, with the secret from me.retrieve, and refuses it altered', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const created = await client.keys.create({ name: 'hooked', webhook_url: receiver.url() });
      const app = new Wangate({ apiKey: created.key, baseURL: server.url });
      const task = await app.videos.generateAndWait({ ...small, prompt: 'hook' });
      const [delivery] = await receiver.waitFor(1);
      const { webhook_secret } = await app.me.retrieve();
      const event = await verifyWebhook(delivery!.body, delivery!.headers, webhook_secret);
      expect(event).toMatchObject({ type: 'task.completed', data: { id: task.id, status: 'completed' } });
      await expect(verifyWebhook(delivery!.body.replace('completed', 'failed'), delivery!.headers, webhook_secret)).rejects.toBeInstanceOf(WebhookVerificationError);
    } finally {
      await receiver.close();
    }
  });
});
