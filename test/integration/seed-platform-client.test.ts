/**
 * The seed platform's current clients work against wangate by changing the base URL only. The client
 * below is written from the platform's published contract alone (response version 2026-07-27, the
 * replay header, the schema, docs and upload routes, localised task errors), using none of wangate's
 * code or extensions. And clients of the seed page's first version, which send no version header, see
 * exactly the shapes they always saw.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplySchema, taskReplySchema } from '../../src/present/response-schemas.js';
import { makeFixtures, type Fixtures } from '../helpers/make-fixtures.js';
import { createKey, startTestServer, waitForTask, type TestServer } from '../helpers/start-test-server.js';

// ---- the client: only the facts of the platform's contract ----

class PlatformError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error: { type: string; param?: string; message: string } },
  ) {
    super(`${status} ${body.error.type}: ${body.error.message}`);
  }
}

const version = '2026-07-27';

class PlatformClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  private async request(method: string, route: string, init: { body?: BodyInit; headers?: Record<string, string> } = {}) {
    const res = await fetch(this.baseUrl + route, { method, body: init.body ?? null, headers: { authorization: `Bearer ${this.apiKey}`, ...init.headers } });
    const body = await res.json();
    if (!res.ok) throw new PlatformError(res.status, body);
    return { body, headers: res.headers };
  }

  async createVideo(params: object, idempotencyKey: string) {
    const { body, headers } = await this.request('POST', '/v1/videos/generations', {
      body: JSON.stringify(params),
      headers: { 'content-type': 'application/json', 'X-APIMart-Response-Version': version, 'Idempotency-Key': idempotencyKey },
    });
    return { task: body.data, requestId: body.request_id, version: headers.get('X-APIMart-Response-Version'), replayed: headers.get('Idempotency-Replayed') === 'true' };
  }

  async getTask(id: string, language?: string) {
    return (await this.request('GET', `/v1/tasks/${id}${language ? `?language=${language}` : ''}`)).body.data;
  }

  async listModels() {
    return (await this.request('GET', '/v1/models')).body;
  }

  async modelSchema(model: string) {
    return (await this.request('GET', `/v1/model-schema?model=${encodeURIComponent(model)}&operation=video_generation`)).body;
  }

  async modelDocs(model: string) {
    return (await this.request('GET', `/v1/model-docs?model=${encodeURIComponent(model)}`)).body;
  }

  async uploadImage(bytes: Uint8Array<ArrayBuffer>, filename: string, type: string) {
    const form = new FormData();
    form.append('file', new Blob([bytes], { type }), filename);
    return (await this.request('POST', '/v1/uploads/images', { body: form })).body;
  }

  async waitUntilDone(id: string) {
    for (;;) {
      const task = await this.getTask(id);
      if (['completed', 'failed', 'cancelled'].includes(task.status)) return task;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

// ---- the tests ----

let server: TestServer;
let fx: Fixtures;
let scratch: string;
let key: string;
let client: PlatformClient;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'wangate-platform-'));
  fx = await makeFixtures(path.join(scratch, 'fixtures'));
  server = await startTestServer({ WORKER_CONCURRENCY: '2' });
  key = (await createKey(server, { name: 'platform-client', balance: 10 })).key;
  client = new PlatformClient(server.url, key);
});
afterAll(async () => {
  await server?.cleanup();
  await rm(scratch, { recursive: true, force: true });
});

describe('a client of the platform contract (response version 2026-07-27)', () => {
  it('discovers the model, its schema and its docs', async () => {
    const models = await client.listModels();
    expect(models.object).toBe('list');
    expect(models.data).toContainEqual(expect.objectContaining({ id: 'wan2.7', object: 'model', operation: 'video_generation' }));
    const schema = await client.modelSchema('wan2.7');
    expect(schema).toMatchObject({ model: 'wan2.7', operation: 'video_generation', input_schema: { type: 'object' } });
    expect(schema.input_schema.properties).toHaveProperty('prompt');
    expect(schema.input_schema.properties).not.toHaveProperty('model');
    const docs = await client.modelDocs('wan2.7');
    expect(docs).toMatchObject({ object: 'model.documentation', model: 'wan2.7', stale: false });
    expect(docs.markdown).toContain('wan2.7');
    for (const url of [docs.doc_url, docs.markdown_url]) expect((await fetch(url)).status, url).toBe(200);
    await expect(client.modelSchema('no-such-model')).rejects.toMatchObject({ status: 404, body: { error: { type: 'not_found_error', param: 'model' } } });
  });

  it('uploads an image, creates from it, is told of a replay, and gets the video', async () => {
    const png = await readFile(fx.redPng);
    const upload = await client.uploadImage(png, 'red.png', 'image/png');
    expect(upload).toMatchObject({ url: expect.any(String), filename: 'red.png', content_type: 'image/png', bytes: png.length, created_at: expect.any(Number) });

    const params = { model: 'wan2.7', prompt: 'the card turns slowly', image_urls: [upload.url], resolution: '720P', duration: 2 };
    const first = await client.createVideo(params, 'platform-order-1');
    expect(first.version).toBe(version);
    expect(first.replayed).toBe(false);
    expect(first.requestId).toEqual(expect.any(String));
    expect(first.task).toMatchObject({ object: 'generation.task', id: expect.stringMatching(/^task_/), status: 'pending' });

    const replay = await client.createVideo(params, 'platform-order-1');
    expect(replay.replayed).toBe(true);
    expect(replay.task.id).toBe(first.task.id);

    const done = await client.waitUntilDone(first.task.id);
    expect(done.status).toBe('completed');
    // The platform promises 72 hours for result URLs.
    expect(done.result.videos[0].expires_at).toBe(done.completed + 72 * 3600);
    const video = await fetch(done.result.videos[0].url[0]);
    expect(video.status).toBe(200);
    expect(video.headers.get('content-type')).toBe('video/mp4');
  });

  it("reads a failed task's error in Chinese or English; the reason never changes", async () => {
    // A GIF is a fine upload but no frame the model takes: the task fails on it.
    const gif = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
    const upload = await client.uploadImage(gif, 'dot.gif', 'image/gif');
    const { task } = await client.createVideo({ model: 'wan2.7', image_urls: [upload.url], resolution: '720P', duration: 2 }, 'platform-gif-1');
    const failed = await client.waitUntilDone(task.id);
    expect(failed.status).toBe('failed');
    const english = failed.error;
    expect(english).toMatchObject({ type: 'invalid_request_error', reason: 'unsupported_format', message: expect.stringMatching(/^image_urls\[0\]: not a JPEG/) });

    const zh = (await client.getTask(task.id, 'zh')).error;
    expect(zh.reason).toBe(english.reason);
    expect(zh.type).toBe(english.type);
    expect(zh.message).toBe(`媒体格式不受支持，或与字段要求的类型不符。详情：${english.message}`);
    expect((await client.getTask(task.id, 'en')).error).toEqual(english);
    for (const language of ['ko', 'ja']) expect((await client.getTask(task.id, language)).error, language).toEqual(english);

    const res = await fetch(`${server.url}/v1/tasks/${task.id}?language=zh`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.headers.get('content-language')).toBe('zh');
    const ja = await fetch(`${server.url}/v1/tasks/${task.id}?language=ja`, { headers: { authorization: `Bearer ${key}` } });
    expect(ja.headers.get('content-language')).toBe('en');
    await expect(client.getTask(task.id, 'fr')).rejects.toMatchObject({ status: 400, body: { error: { param: 'language' } } });
  });

  it('is refused with the error envelope, whose type and param it reads', async () => {
    const error = await client.createVideo({ model: 'wan2.7', prompt: 'x', duration: 99 }, 'platform-bad-1').catch((e) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error.body.error).toMatchObject({ type: 'invalid_request_error', param: 'duration' });
    const badKey = await client.createVideo({ model: 'wan2.7', prompt: 'x' }, 'has space').catch((e) => e);
    expect(badKey.body.error).toMatchObject({ type: 'invalid_request_error', param: 'Idempotency-Key' });
    const tooBig = await client.uploadImage(Buffer.concat([await readFile(fx.redPng), Buffer.alloc(21 * 1024 * 1024)]), 'big.png', 'image/png').catch((e) => e);
    expect(tooBig).toMatchObject({ status: 413, body: { error: { type: 'invalid_request_error', param: 'file' } } });
  });
});

describe('clients of the seed page (no version header)', () => {
  const t2v = { model: 'wan2.7', prompt: 'a paper boat on a pond', resolution: '720P', duration: 2 };
  const post = (headers: Record<string, string> = {}) =>
    fetch(`${server.url}/v1/videos/generations`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(t2v) });

  it('create answers the first version: {code: 200, data: [{status, task_id}]}, with no version header', async () => {
    const variants: Record<string, string>[] = [{}, { 'X-APIMart-Response-Version': '2099-01-01' }, { 'X-APIMart-Response-Version': 'latest' }];
    for (const headers of variants) {
      const res = await post(headers);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toEqual({ code: 200, data: [{ status: 'submitted', task_id: expect.stringMatching(/^task_[0-9A-HJKMNP-TV-Z]{26}$/) }] });
      expect(createReplySchema.safeParse(body).success).toBe(true);
      expect(res.headers.get('x-apimart-response-version')).toBeNull();
      expect(res.headers.get('idempotency-replayed')).toBeNull();
      // Nothing more to see of it: spare the workers.
      await server.api('POST', `/v1/tasks/${body.data[0].task_id}/cancel`, undefined, key);
    }
  });

  it('a task reads the same with and without the version header: {code: 200, data: {id, status, …}}', async () => {
    const created = await (await post()).json();
    const task = await waitForTask(server, created.data[0].task_id, key);
    expect(task.status).toBe('completed');
    const read = async (headers: Record<string, string>) => {
      const res = await fetch(`${server.url}/v1/tasks/${task.id}`, { headers: { authorization: `Bearer ${key}`, ...headers } });
      return { body: await res.json(), version: res.headers.get('x-apimart-response-version') };
    };
    const v1 = await read({});
    const v2 = await read({ 'X-APIMart-Response-Version': version });
    expect(taskReplySchema.safeParse(v1.body).success).toBe(true);
    expect(v1.body).toMatchObject({ code: 200, data: { id: task.id, status: 'completed', mode: 't2v', model: 'wan2.7' } });
    expect(v2.body).toEqual(v1.body);
    expect(v1.version).toBeNull();
    expect(v2.version).toBe(version);
  });
});
