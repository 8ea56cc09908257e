/**
 * Real answers conform to the response schemas the OpenAPI document is generated from: create,
 * status (pending and completed), cancel, list, usage, keys, files, webhook deliveries, the event
 * stream and errors. The schemas are strict, so a field the server adds without documenting fails.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as res from '../../src/present/response-schemas.js';
import { makeFixtures } from '../helpers/make-fixtures.js';
import { openSse } from '../helpers/sse-client.js';
import { startTestServer, waitForTask, type TestServer } from '../helpers/start-test-server.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

/** Parses with the schema; on failure, names the first mismatches and shows the answer. */
function conforms(schema: z.ZodType, body: unknown, what: string): void {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    expect.fail(`${what} does not match its documented schema:\n  ${issues.join('\n  ')}\n${JSON.stringify(body, null, 2).slice(0, 2000)}`);
  }
}

const t2v = { model: 'wan2.7', prompt: 'a red kite over the sea', resolution: '720P', duration: 2 };

describe('answers conform to the documented schemas (no worker: tasks stay pending)', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let scratch = '';
  let user = { id: '', key: '' };

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'wangate-conformance-'));
    receiver = await startWebhookReceiver();
    server = await startTestServer({ WORKER_CONCURRENCY: '0', WANGATE_ALLOW_LOOPBACK_WEBHOOKS: 'true' });
    const created = await server.api('POST', '/admin/keys', { name: 'conformance', balance: 100, webhook_url: receiver.url('/hook') });
    expect(created.status).toBe(200);
    conforms(res.createdKeyReplySchema, created.json, 'POST /admin/keys');
    user = { id: created.json.data.id, key: created.json.data.key };
  });
  afterAll(async () => {
    await server?.cleanup();
    await receiver?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('create, pending status, list, cancel, webhook deliveries and redelivery', async () => {
    const created = await server.api('POST', '/v1/videos/generations', t2v, user.key);
    expect(created.status).toBe(200);
    conforms(res.createReplySchema, created.json, 'POST /v1/videos/generations');
    const taskId = created.json.data[0].task_id;

    const pending = await server.api('GET', `/v1/tasks/${taskId}`, undefined, user.key);
    expect(pending.json.data).toMatchObject({ status: 'pending', queue_position: expect.any(Number) });
    conforms(res.taskReplySchema, pending.json, 'GET /v1/tasks/{taskId} (pending)');

    const list = await server.api('GET', '/v1/tasks?limit=1', undefined, user.key);
    conforms(res.taskListReplySchema, list.json, 'GET /v1/tasks');

    const cancelled = await server.api('POST', `/v1/tasks/${taskId}/cancel`, undefined, user.key);
    expect(cancelled.json.data.status).toBe('cancelled');
    conforms(res.taskReplySchema, cancelled.json, 'POST /v1/tasks/{taskId}/cancel');

    // The terminal webhook goes to the key's default URL; then the task shows its delivery summary.
    await receiver.waitFor(1);
    const webhooks = await server.api('GET', `/v1/tasks/${taskId}/webhooks`, undefined, user.key);
    expect(webhooks.json.data.deliveries).toHaveLength(1);
    conforms(res.taskWebhooksReplySchema, webhooks.json, 'GET /v1/tasks/{taskId}/webhooks');
    const withWebhook = await server.api('GET', `/v1/tasks/${taskId}`, undefined, user.key);
    expect(withWebhook.json.data.webhook).toBeDefined();
    conforms(res.taskReplySchema, withWebhook.json, 'GET /v1/tasks/{taskId} (cancelled, webhook sent)');

    const redelivered = await server.api('POST', `/v1/tasks/${taskId}/webhooks/redeliver`, undefined, user.key);
    expect(redelivered.status).toBe(202);
    conforms(res.redeliveryReplySchema, redelivered.json, 'POST /v1/tasks/{taskId}/webhooks/redeliver');
  });

  it('the event stream sends the task in its documented shape', async () => {
    const created = await server.api('POST', '/v1/videos/generations', t2v, user.key);
    const stream = await openSse(`${server.url}/v1/tasks/${created.json.data[0].task_id}/events`, user.key);
    try {
      const first = await stream.waitFor((m) => m.event === 'pending');
      conforms(res.taskSchema, JSON.parse(first.data), 'event stream data');
    } finally {
      stream.abort();
    }
  });

  it('usage, keys and the calling key', async () => {
    conforms(res.usageReplySchema, (await server.api('GET', '/v1/usage', undefined, user.key)).json, 'GET /v1/usage');
    conforms(res.usageReplySchema, (await server.api('GET', '/admin/usage?limit=5', undefined)).json, 'GET /admin/usage');
    conforms(res.ownKeyReplySchema, (await server.api('GET', '/v1/me', undefined, user.key)).json, 'GET /v1/me');
    conforms(res.keyListReplySchema, (await server.api('GET', '/admin/keys')).json, 'GET /admin/keys');
    conforms(res.keyReplySchema, (await server.api('GET', `/admin/keys/${user.id}`)).json, 'GET /admin/keys/{keyId}');
    conforms(res.keyReplySchema, (await server.api('PATCH', `/admin/keys/${user.id}`, { name: 'renamed' })).json, 'PATCH /admin/keys/{keyId}');
    conforms(res.keyReplySchema, (await server.api('POST', `/admin/keys/${user.id}/credit`, { amount: 5 })).json, 'POST /admin/keys/{keyId}/credit');
    conforms(res.healthSchema, (await server.api('GET', '/healthz', undefined, null)).json, 'GET /healthz');
  });

  it('uploads', async () => {
    const fx = await makeFixtures(path.join(scratch, 'fx'));
    const upload = await fetch(`${server.url}/v1/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.key}`, 'content-type': 'image/png' },
      body: await readFile(fx.redPng),
    });
    expect(upload.status).toBe(200);
    const file = await upload.json();
    conforms(res.fileReplySchema, file, 'POST /v1/files');
    conforms(res.fileReplySchema, (await server.api('GET', `/v1/files/${(file as any).data.id}`, undefined, user.key)).json, 'GET /v1/files/{fileId}');
    const image = await fetch(`${server.url}/v1/uploads/images`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.key}`, 'content-type': 'image/png' },
      body: await readFile(fx.redPng),
    });
    expect(image.status).toBe(200);
    conforms(res.imageUploadReplySchema, await image.json(), 'POST /v1/uploads/images');
  });

  it('create in response version 2026-07-27, and a replay of it', async () => {
    const send = () =>
      fetch(`${server.url}/v1/videos/generations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.key}`, 'content-type': 'application/json', 'x-apimart-response-version': '2026-07-27', 'idempotency-key': 'conformance-v2' },
        body: JSON.stringify(t2v),
      });
    for (const answer of [await send(), await send()]) {
      expect(answer.status).toBe(200);
      const body = await answer.json();
      conforms(res.createReply20260727Schema, body, 'POST /v1/videos/generations (2026-07-27)');
      conforms(res.createReplyAnyVersionSchema, body, 'POST /v1/videos/generations (any version)');
    }
  });

  it('errors of every kind use the documented envelope', async () => {
    const cases: [string, Awaited<ReturnType<TestServer['api']>>, number][] = [
      ['bad field', await server.api('POST', '/v1/videos/generations', { ...t2v, duration: 99 }, user.key), 400],
      ['unknown query parameter', await server.api('GET', '/v1/tasks?colour=red', undefined, user.key), 400],
      ['bad query value', await server.api('GET', '/v1/usage?limit=0', undefined, user.key), 400],
      ['no key', await server.api('GET', '/v1/tasks', undefined, null), 401],
      ['user key on admin route', await server.api('GET', '/admin/keys', undefined, user.key), 403],
      ['unknown task', await server.api('GET', '/v1/tasks/task_01ARZ3NDEKTSV4RRFFQ69G5FAV', undefined, user.key), 404],
      ['unknown route', await server.api('GET', '/v1/nothing-here', undefined, user.key), 404],
    ];
    for (const [what, answer, status] of cases) {
      expect(answer.status, what).toBe(status);
      conforms(res.errorEnvelopeSchema, answer.json, what);
      expect(answer.json.error.code, what).toBe(status);
    }
  });
});

describe('a completed task conforms too (the local engine renders it)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.cleanup();
  });

  it('status of a completed task, with its result video', async () => {
    const created = await server.api('POST', '/v1/videos/generations', t2v);
    const taskId = created.json.data[0].task_id;
    const done = await waitForTask(server, taskId);
    expect(done.status).toBe('completed');
    const status = await server.api('GET', `/v1/tasks/${taskId}`);
    expect(status.json.data.result.videos[0].url).toHaveLength(1);
    conforms(res.taskReplySchema, status.json, 'GET /v1/tasks/{taskId} (completed)');
    conforms(res.taskListReplySchema, (await server.api('GET', '/v1/tasks?status=completed')).json, 'GET /v1/tasks?status=completed');
    conforms(res.usageReplySchema, (await server.api('GET', '/admin/usage')).json, 'GET /admin/usage after a capture');
  });
});
