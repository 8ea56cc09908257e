/**
 * Webhooks: signed like Standard Webhooks, retried on a schedule, sent through the SSRF guard, listed
 * and redelivered per task. The end-to-end cases use a short retry schedule; the schedule itself is
 * checked by stepping deliverWebhooks with an injected clock, so nothing sleeps for minutes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/api-keys.js';
import { cancelTask } from '../../src/app/cancel-task.js';
import { createTask } from '../../src/app/create-task.js';
import { deliverWebhooks } from '../../src/app/deliver-webhooks.js';
import { parseConfig } from '../../src/config.js';
import { renderTask } from '../../src/present/render-task.js';
import { buildServices, type Services } from '../../src/services.js';
import { createKey, startTestServer, submitTask, waitForTask, type TestServer } from '../helpers/start-test-server.js';
import { startWebhookReceiver, verifyStandardWebhook, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const t2v = (prompt: string, extra: object = {}) => ({ model: 'wan2.7', prompt, resolution: '720P', duration: 2, ...extra });

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
});
afterEach(() => {
  receiver.received.length = 0;
  receiver.respond = () => 200;
});

const newKey = (s: TestServer, body: object = {}) => createKey(s, { name: 'webhook user', ...body });


/** Polls the task's deliveries until the latest one is no longer pending. */
async function settledDelivery(s: TestServer, taskId: string, key: string): Promise<any> {
  for (;;) {
    const res = await s.api('GET', `/v1/tasks/${taskId}/webhooks`, undefined, key);
    expect(res.status).toBe(200);
    const last = res.json.data.deliveries.at(-1);
    if (last && last.status !== 'pending') return last;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const withoutWebhook = ({ webhook: _summary, ...rest }: any) => rest;
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('webhooks over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    // The delivery loop looks for due attempts every 50 ms, so each short retry goes out on time.
    server = await startTestServer({
      WORKER_CONCURRENCY: '1',
      WANGATE_ALLOW_LOOPBACK_WEBHOOKS: 'true',
      WEBHOOK_RETRY_DELAYS_SECONDS: '0.2,0.2,0.2',
      MAINTENANCE_IDLE_POLL_MS: '50',
    });
  });
  afterAll(async () => {
    await server?.cleanup();
  });

  it('arrives signed and correct on the third attempt after two 500s, and the attempts show on the task', async () => {
    const { key, secret } = await newKey(server);
    receiver.respond = ({ index }) => (index < 2 ? 500 : 200);
    const id = await submitTask(server, t2v('signed webhook', { callback_url: receiver.url('/done') }), key);
    expect((await waitForTask(server, id, key)).status).toBe('completed');

    const hooks = await receiver.waitFor(3);
    expect(hooks.map((h) => h.answered)).toEqual([500, 500, 200]);
    for (const h of hooks) {
      expect(h.path).toBe('/done');
      expect(h.headers['content-type']).toBe('application/json');
      expect(verifyStandardWebhook(secret, h.headers, h.body, nowSeconds())).toBe(true);
      // A wrong secret or a changed body does not verify.
      expect(verifyStandardWebhook('whsec_' + Buffer.alloc(24).toString('base64'), h.headers, h.body, nowSeconds())).toBe(false);
      expect(verifyStandardWebhook(secret, h.headers, h.body.replace('completed', 'failed'), nowSeconds())).toBe(false);
    }
    // One delivery, one id across its retries.
    expect(new Set(hooks.map((h) => h.headers['webhook-id'])).size).toBe(1);
    expect(hooks[0]!.headers['webhook-id']).toMatch(/^whd_/);

    const delivery = await settledDelivery(server, id, key);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, last_status_code: 200, last_error: null, event: 'task.completed', url: receiver.url('/done') });
    const status = await server.api('GET', `/v1/tasks/${id}`, undefined, key);
    expect(status.json.data.webhook).toEqual({ status: 'delivered', attempts: 3, last_status_code: 200, last_error: null, deliveries: 1 });

    // The body is the task as GET /v1/tasks/{id} shows it (less the webhook summary, which describes the delivery itself).
    const body = JSON.parse(hooks[2]!.body);
    expect(body.type).toBe('task.completed');
    // The event time (ISO 8601) is when the task ended, not when the attempt was sent.
    expect(Math.floor(Date.parse(body.timestamp) / 1000)).toBe(status.json.data.completed);
    expect(body.data).toEqual(withoutWebhook(status.json.data));
    expect(body.data.result.videos[0].url[0]).toMatch(/^http/);
  });

  it("uses the key's default webhook when the task has none, and a task's callback_url wins over it", async () => {
    const { key, secret } = await newKey(server, { webhook_url: receiver.url('/key-default') });
    const own = await submitTask(server, t2v('key default'), key);
    await server.api('POST', `/v1/tasks/${own}/cancel`, undefined, key);
    const [hook] = await receiver.waitFor(1);
    expect(hook!.path).toBe('/key-default');
    expect(verifyStandardWebhook(secret, hook!.headers, hook!.body, nowSeconds())).toBe(true);
    expect(JSON.parse(hook!.body)).toMatchObject({ type: 'task.cancelled', data: { id: own, status: 'cancelled' } });
    expect((await settledDelivery(server, own, key)).status).toBe('delivered');

    const explicit = await submitTask(server, t2v('explicit callback', { webhook: receiver.url('/explicit') }), key);
    await server.api('POST', `/v1/tasks/${explicit}/cancel`, undefined, key);
    const hooks = await receiver.waitFor(2);
    expect(hooks[1]!.path).toBe('/explicit');
  });

  it('redeliver queues a new signed delivery of the terminal event; it refuses unfinished tasks and tasks without a URL', async () => {
    const { key, secret } = await newKey(server);
    const id = await submitTask(server, t2v('redelivered', { callback_url: receiver.url('/again') }), key);
    await server.api('POST', `/v1/tasks/${id}/cancel`, undefined, key);
    const [first] = await receiver.waitFor(1);
    await settledDelivery(server, id, key);

    const again = await server.api('POST', `/v1/tasks/${id}/webhooks/redeliver`, undefined, key);
    expect(again.status).toBe(202);
    expect(again.json.data).toMatchObject({ status: 'pending', attempts: 0, event: 'task.cancelled' });
    const [, second] = await receiver.waitFor(2);
    expect(second!.headers['webhook-id']).toBe(again.json.data.id);
    expect(second!.headers['webhook-id']).not.toBe(first!.headers['webhook-id']);
    expect(verifyStandardWebhook(secret, second!.headers, second!.body, nowSeconds())).toBe(true);
    expect(JSON.parse(second!.body).data).toEqual(JSON.parse(first!.body).data);
    await settledDelivery(server, id, key);
    const listed = await server.api('GET', `/v1/tasks/${id}/webhooks`, undefined, key);
    expect(listed.json.data.deliveries.map((d: any) => d.status)).toEqual(['delivered', 'delivered']);
    expect((await server.api('GET', `/v1/tasks/${id}`, undefined, key)).json.data.webhook).toMatchObject({ status: 'delivered', deliveries: 2 });

    // Another key: 404 exactly like an unknown task, for both endpoints.
    const other = await newKey(server);
    for (const [method, p] of [['GET', `/v1/tasks/${id}/webhooks`], ['POST', `/v1/tasks/${id}/webhooks/redeliver`]] as const) {
      const res = await server.api(method, p, undefined, other.key);
      expect(res.status).toBe(404);
      expect(res.json.error.reason).toBe('task_not_found');
    }

    const noUrl = await submitTask(server, t2v('no callback'), key);
    await server.api('POST', `/v1/tasks/${noUrl}/cancel`, undefined, key);
    const refused = await server.api('POST', `/v1/tasks/${noUrl}/webhooks/redeliver`, undefined, key);
    expect(refused.status).toBe(409);
    expect(refused.json.error.reason).toBe('no_callback_url');
  });

  it('redeliver of a task that has not ended answers 409', async () => {
    const idle = await startTestServer({ WORKER_CONCURRENCY: '0', WANGATE_ALLOW_LOOPBACK_WEBHOOKS: 'true' });
    try {
      const { key } = await newKey(idle);
      const id = await submitTask(idle, t2v('still queued', { callback_url: receiver.url() }), key);
      const res = await idle.api('POST', `/v1/tasks/${id}/webhooks/redeliver`, undefined, key);
      expect(res.status).toBe(409);
      expect(res.json.error.reason).toBe('task_not_finished');
      expect((await idle.api('GET', `/v1/tasks/${id}/webhooks`, undefined, key)).json.data.deliveries).toEqual([]);
    } finally {
      await idle.cleanup();
    }
  });

  it('a callback to a private address is refused by the SSRF guard at delivery, as one failed attempt with a clear error', async () => {
    const { key } = await newKey(server);
    const id = await submitTask(server, t2v('private callback', { callback_url: 'http://10.0.0.1/hook' }), key);
    await server.api('POST', `/v1/tasks/${id}/cancel`, undefined, key);
    const delivery = await settledDelivery(server, id, key);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, last_status_code: null });
    expect(delivery.last_error).toMatch(/SSRF guard.*10\.0\.0\.1.*private address/);
    expect((await server.api('GET', `/v1/tasks/${id}`, undefined, key)).json.data.webhook).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('a callback_url (or webhook, or a key webhook_url) that is not http(s) is refused at submit with 400 naming the field', async () => {
    const { key } = await newKey(server);
    for (const [field, url] of [
      ['callback_url', 'ftp://example.com/hook'],
      ['webhook', 'file:///etc/passwd'],
      ['callback_url', 'http://user:secret@example.com/hook'],
    ] as const) {
      const res = await server.api('POST', '/v1/videos/generations', t2v('bad callback', { [field]: url }), key);
      expect(res.status, url).toBe(400);
      expect(res.json.error).toMatchObject({ type: 'invalid_request_error', param: field });
    }
    const badKey = await server.api('POST', '/admin/keys', { name: 'bad default', webhook_url: 'gopher://example.com/' });
    expect(badKey.status).toBe(400);
    expect(badKey.json.error.param).toBe('webhook_url');
  });
});

describe('webhook delivery driven step by step with an injected clock', () => {
  let dir: string;
  let services: Services;
  let nowMs = 0;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-webhooks-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await services?.close();
  });

  async function setUp(env: Record<string, string>, callbackUrl: string) {
    services = await buildServices(
      parseConfig({ DATA_DIR: await mkdtemp(path.join(dir, 'd-')), LOG_LEVEL: 'silent', WORKER_CONCURRENCY: '0', ...env }),
      { clock: { nowMs: () => nowMs } },
    );
    const deps = services.deps;
    nowMs = Date.now();
    const { key } = await createApiKey(deps, { name: 'stepped', scopes: ['user'] });
    const { task } = await createTask(deps, { key, body: t2v('stepped', { callback_url: callbackUrl }) });
    await cancelTask(deps, { keyId: key.id, taskId: task.id });
    const step = () => deliverWebhooks(deps, 'wrk_test', (d) => renderTask(deps, d));
    return { deps, key, task, step };
  }

  it('retries on the Standard Webhooks schedule (now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) and then gives up', async () => {
    receiver.respond = () => 503;
    const { deps, key, task, step } = await setUp({ WANGATE_ALLOW_LOOPBACK_WEBHOOKS: 'true' }, receiver.url('/down'));
    const startMs = nowMs;
    const delaysSeconds = [5, 300, 1800, 7200, 18000, 36000, 36000];
    expect(await step()).toBe(1);
    for (const [i, delay] of delaysSeconds.entries()) {
      nowMs += delay * 1000 - 1;
      expect(await step(), `attempt ${i + 2} is not due 1 ms early`).toBe(0);
      nowMs += 1;
      expect(await step(), `attempt ${i + 2}`).toBe(1);
    }
    expect((nowMs - startMs) / 1000).toBe(99_305);
    const [delivery] = await deps.webhooks.listDeliveries(task.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 8, lastStatusCode: 503, lastError: 'the endpoint answered HTTP 503' });
    nowMs += 365 * 24 * 3600 * 1000;
    expect(await step()).toBe(0);
    // Every attempt carried the same id and a valid signature for its own timestamp.
    expect(receiver.received).toHaveLength(8);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const timestamps = receiver.received.map((r) => Number(r.headers['webhook-timestamp']));
    for (const r of receiver.received) expect(verifyStandardWebhook(key.webhookSecret, r.headers, r.body, Number(r.headers['webhook-timestamp']), 0)).toBe(true);
    expect(timestamps[7]! - timestamps[0]!).toBe(99_305);
  });

  it('stops at once when the receiver answers 410 Gone', async () => {
    receiver.respond = () => 410;
    const { deps, task, step } = await setUp({ WANGATE_ALLOW_LOOPBACK_WEBHOOKS: 'true' }, receiver.url('/gone'));
    expect(await step()).toBe(1);
    nowMs += 24 * 3600 * 1000;
    expect(await step()).toBe(0);
    expect((await deps.webhooks.listDeliveries(task.id))[0]).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 410 });
  });

  it('refuses a loopback receiver when WANGATE_ALLOW_LOOPBACK_WEBHOOKS is not set, without sending anything', async () => {
    const { deps, task, step } = await setUp({}, receiver.url('/loopback'));
    expect(await step()).toBe(1);
    const [delivery] = await deps.webhooks.listDeliveries(task.id);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: null });
    expect(delivery!.lastError).toMatch(/SSRF guard.*loopback address/);
    expect(receiver.received).toHaveLength(0);
  });

  it('two workers stepping at the same time send each attempt once (the claim is leased)', async () => {
    const { deps, task, step } = await setUp({ WANGATE_ALLOW_LOOPBACK_WEBHOOKS: 'true' }, receiver.url('/once'));
    const other = () => deliverWebhooks(deps, 'wrk_other', (d) => renderTask(deps, d));
    const counts = await Promise.all([step(), other(), step(), other()]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    expect(receiver.received).toHaveLength(1);
    expect((await deps.webhooks.listDeliveries(task.id))[0]).toMatchObject({ status: 'delivered', attempts: 1 });
  });
});
