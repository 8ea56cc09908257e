/**
 * The DashScope engine end to end: the real server (WANGATE_ENGINE=dashscope) against the fake DashScope,
 * everything on 127.0.0.1.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDashscope, type FakeDashscope, type FakeDashscopeOptions } from '../../src/dev/fake-dashscope/fake-dashscope.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { fastDashscopeEnv } from '../helpers/fast-dashscope-env.js';
import { makeFixtures } from '../helpers/make-fixtures.js';
import { killHard, spawnServer, type ServerProcess } from '../helpers/spawn-server.js';
import { createKey, startTestServer, submitTask, testAdminKey, waitForTask, type TestServer } from '../helpers/start-test-server.js';
import { until } from '../helpers/until.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function fakeDashscope(opts: Partial<FakeDashscopeOptions> = {}): Promise<FakeDashscope> {
  const fake = await startFakeDashscope({ keys: [{ key: 'sk-good', account: 'acct-1' }], pendingMs: 100, runningMs: 300, ...opts });
  cleanups.push(() => fake.close());
  return fake;
}

async function server(env: Record<string, string>): Promise<TestServer> {
  const s = await startTestServer({ WANGATE_ENGINE: 'dashscope', WORKER_POLL_INTERVAL_MS: '100', LOG_LEVEL: 'silent', ...fastDashscopeEnv, ...env });
  cleanups.push(() => s.cleanup());
  return s;
}

/** A user key with a balance, so every task places a hold we can account for. */
async function userKey(s: TestServer): Promise<string> {
  return (await createKey(s, { name: 'app', balance: 1000 })).key;
}

const submit = (s: TestServer, key: string, body: object) => submitTask(s, { model: 'wan2.7', resolution: '720P', duration: 2, ...body }, key);

async function outstanding(s: TestServer, key: string): Promise<number> {
  const { json } = await s.api('GET', '/v1/usage', undefined, key);
  return json.data.totals.outstanding;
}

describe('DashScope engine through the server', () => {
  it('completes text-to-video and image-to-video, copying each MP4 into our storage and billing the upstream seconds', async () => {
    const fake = await fakeDashscope();
    const fx = await makeFixtures(await mkdtemp(path.join(os.tmpdir(), 'wangate-ds-fx-')));
    cleanups.push(() => rm(fx.dir, { recursive: true, force: true }));
    const media: FixtureServer = await startFixtureServer(fx.dir);
    cleanups.push(() => media.close());
    const s = await server({ DASHSCOPE_BASE_URL: fake.url, DASHSCOPE_API_KEY: 'sk-good' });
    const key = await userKey(s);

    const t2v = await submit(s, key, { prompt: 'a lighthouse at dusk', size: '9:16' });
    const i2v = await submit(s, key, { prompt: 'the red wall breathes', image_urls: [media.url('red.png')] });
    const [a, b] = await Promise.all([waitForTask(s, t2v, key), waitForTask(s, i2v, key)]);
    for (const t of [a, b]) {
      expect(t.status, JSON.stringify(t.error)).toBe('completed');
      expect(t.engine.id).toBe('dashscope');
      const url: string = t.result.videos[0].url[0];
      expect(new URL(url).origin).toBe(new URL(s.url).origin);
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
      // wan2.7 answers carry no actual_prompt (none recorded or documented), so the task has none.
      expect(t.actual_prompt).toBeUndefined();
    }
    const results = await readdir(path.join(s.dataDir, 'blobs', 'results'));
    expect(results.filter((f) => f.startsWith(t2v) || f.startsWith(i2v))).toHaveLength(2);
    // The upstream's own record: one task each, the right model, our parameters.
    const up = fake.tasks();
    expect(up.map((t) => t.model).sort()).toEqual(['wan2.7-i2v', 'wan2.7-t2v']);
    expect(fake.stats().downloads).toBe(2);
    // usage.duration (2 s) at 0.10/s: 0.20 each.
    expect(a.cost).toBeCloseTo(0.2);
    expect(await outstanding(s, key)).toBe(0);
  });

  it('fails a task the upstream moderation refuses at once, with the upstream message, and releases its hold', async () => {
    const fake = await fakeDashscope();
    const s = await server({ DASHSCOPE_BASE_URL: fake.url, DASHSCOPE_API_KEY: 'sk-good' });
    const key = await userKey(s);
    const id = await submit(s, key, { prompt: 'please draw FORBIDDEN_CONTENT' });
    const t = await waitForTask(s, id, key);
    expect(t.status).toBe('failed');
    expect(t.error).toMatchObject({ reason: 'content_moderation', code: 400 });
    expect(t.error.message).toContain('Input data may contain inappropriate content.');
    expect(fake.stats().createCalls).toBe(1);
    expect(fake.tasks()).toHaveLength(0);
    expect(await outstanding(s, key)).toBe(0);
  });

  it('fails a task whose media the upstream cannot download (accepted at create, FAILED on its first poll) for good: the upstream message, one create, no charge', async () => {
    const fake = await fakeDashscope();
    const s = await server({ DASHSCOPE_BASE_URL: fake.url, DASHSCOPE_API_KEY: 'sk-good' });
    const key = await userKey(s);
    const id = await submit(s, key, { prompt: 'the wall breathes', image_urls: ['https://img.invalid/wall.png'] });
    const t = await waitForTask(s, id, key);
    expect(t.status).toBe('failed');
    expect(t.error).toMatchObject({ reason: 'upstream_invalid_parameter', code: 400 });
    expect(t.error.message).toContain('Failed to download https://img.invalid/wall.png');
    expect(t.cost ?? 0).toBe(0);
    expect(await outstanding(s, key)).toBe(0);
    // Accepted once, failed upstream, never resubmitted as if the failure were transient.
    expect(fake.stats()).toMatchObject({ createCalls: 1, tasksCreated: 1 });
    expect(fake.tasks()).toMatchObject([{ status: 'FAILED', model: 'wan2.7-i2v' }]);
  });

  it('bills the same whether usage comes as integers (2), x.0 floats (2.0) or measured lengths (2.02)', async () => {
    const fake = await fakeDashscope();
    const s = await server({ DASHSCOPE_BASE_URL: fake.url, DASHSCOPE_API_KEY: 'sk-good' });
    const key = await userKey(s);
    for (const usageNumbers of ['integer', 'float', 'fractional'] as const) {
      fake.setVariants({ usageNumbers, usageFps: usageNumbers !== 'integer' });
      const t = await waitForTask(s, await submit(s, key, { prompt: `usage as ${usageNumbers}` }), key);
      expect(t.status, JSON.stringify(t.error)).toBe('completed');
      // 2 s at 0.10/s; 2.02 s rounds up to 3 s but never beyond the 2 s held.
      expect(t.cost, usageNumbers).toBeCloseTo(0.2);
    }
    expect(await outstanding(s, key)).toBe(0);
  });

  it('queues tasks while the channel is full and completes them all, never above its concurrency', async () => {
    const fake = await fakeDashscope({ pendingMs: 100, runningMs: 300 });
    const s = await server({ DASHSCOPE_BASE_URL: fake.url, DASHSCOPE_API_KEY: 'sk-good', DASHSCOPE_MAX_CONCURRENT: '2' });
    const key = await userKey(s);
    const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => submit(s, key, { prompt: `queued ${i}` })));
    const done = await Promise.all(ids.map((id) => waitForTask(s, id, key)));
    expect(done.map((t) => t.status)).toEqual(Array(6).fill('completed'));
    const up = fake.tasks();
    expect(up).toHaveLength(6);
    // At any upstream moment at most 2 of our tasks were live there.
    for (const t of up) {
      const live = up.filter((o) => o.createdAtMs <= t.createdAtMs && (o.endedAtMs ?? Infinity) > t.createdAtMs);
      expect(live.length).toBeLessThanOrEqual(2);
    }
    expect(await outstanding(s, key)).toBe(0);
  });

  it('sets aside a channel whose key is refused and runs the task on another channel', async () => {
    const fake = await fakeDashscope({ keys: [{ key: 'sk-good', account: 'acct-1' }] });
    const channels = [
      { id: 'broken', baseUrl: fake.url, apiKey: 'sk-revoked', maxConcurrent: 3, priority: 10, weight: 1 },
      { id: 'backup', baseUrl: fake.url, apiKey: 'sk-good', maxConcurrent: 3, priority: 0, weight: 1 },
    ];
    const s = await server({ DASHSCOPE_CHANNELS: JSON.stringify(channels) });
    const key = await userKey(s);
    const first = await waitForTask(s, await submit(s, key, { prompt: 'first' }), key);
    expect(first.status, JSON.stringify(first.error)).toBe('completed');
    const second = await waitForTask(s, await submit(s, key, { prompt: 'second' }), key);
    expect(second.status).toBe('completed');
    // The refused key was tried once (the first task), then left alone while unhealthy.
    expect(fake.stats().createCalls).toBe(3);
    expect(fake.tasks()).toHaveLength(2);
  });

  it('puts a task the upstream throttles (429 on create) back in the queue; it completes later, created once', async () => {
    const fake = await fakeDashscope({ faults: { createThrottle429: 0.6, seed: 7 } });
    const s = await server({ DASHSCOPE_BASE_URL: fake.url, DASHSCOPE_API_KEY: 'sk-good' });
    const key = await userKey(s);
    const ids = await Promise.all([0, 1, 2].map((i) => submit(s, key, { prompt: `throttled ${i}` })));
    const done = await Promise.all(ids.map((id) => waitForTask(s, id, key)));
    expect(done.map((t) => t.status)).toEqual(['completed', 'completed', 'completed']);
    expect(fake.stats().throttled).toBeGreaterThan(0);
    expect(fake.tasks()).toHaveLength(3);
  }, 60_000);

  it('cancels a task while it is PENDING upstream, cancelling it there too', async () => {
    const fake = await fakeDashscope({ pendingMs: 60_000 });
    const s = await server({ DASHSCOPE_BASE_URL: fake.url, DASHSCOPE_API_KEY: 'sk-good' });
    const key = await userKey(s);
    const id = await submit(s, key, { prompt: 'slow queue' });
    // Wait until the upstream has it and our task is processing.
    for (let i = 0; fake.tasks().length === 0 || (await s.api('GET', `/v1/tasks/${id}`, undefined, key)).json.data.status !== 'processing'; i++) {
      expect(i).toBeLessThan(200);
      await new Promise((r) => setTimeout(r, 50));
    }
    // The poller queries only after the upstream id is saved: from then on the cancel can reach it.
    await until(() => fake.stats().queries > 0);
    const res = await s.api('POST', `/v1/tasks/${id}/cancel`, undefined, key);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.data.status).toBe('cancelled');
    expect(fake.tasks()[0]!.status).toBe('CANCELED');
    expect(fake.stats().cancels).toBe(1);
    expect(await outstanding(s, key)).toBe(0);
  });
});

describe('DashScope engine across a crash', () => {
  let proc: ServerProcess | undefined;
  afterEach(async () => {
    if (proc) await killHard(proc);
    proc = undefined;
  });

  it('a server killed with -9 after the create resumes polling on restart, with no second create', async () => {
    const fake = await fakeDashscope({ pendingMs: 1500, runningMs: 3000 });
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'wangate-ds-restart-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const env = {
      DATA_DIR: dataDir,
      WANGATE_ADMIN_KEY: testAdminKey,
      WANGATE_ENGINE: 'dashscope',
      DASHSCOPE_BASE_URL: fake.url,
      DASHSCOPE_API_KEY: 'sk-good',
      WANGATE_ALLOW_LOOPBACK_MEDIA: 'true',
      WORKER_LEASE_MS: '1500',
      WORKER_IDLE_POLL_MS: '100',
      WORKER_POLL_INTERVAL_MS: '100',
      ...fastDashscopeEnv,
    };
    const call = async (url: string, method: string, p: string, body?: unknown) =>
      (await fetch(url + p, { method, headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) })).json() as Promise<any>;
    proc = await spawnServer(env);
    const created = await call(proc.url, 'POST', '/v1/videos/generations', { model: 'wan2.7', prompt: 'survive a crash', resolution: '720P', duration: 2 });
    const id: string = created.data[0].task_id;
    for (let i = 0; fake.tasks().length === 0; i++) {
      expect(i).toBeLessThan(200);
      await new Promise((r) => setTimeout(r, 25));
    }
    // Once the upstream id is recorded (the poller queries only then), kill the worker mid-render.
    await until(() => fake.stats().queries > 0);
    await killHard(proc);
    proc = await spawnServer(env);
    let t: any;
    for (let i = 0; ; i++) {
      expect(i).toBeLessThan(400);
      t = (await call(proc.url, 'GET', `/v1/tasks/${id}`)).data;
      if (t.status === 'completed' || t.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(t.status, JSON.stringify(t.error)).toBe('completed');
    expect(fake.stats().createCalls).toBe(1);
    expect(fake.tasks()).toHaveLength(1);
    const results = await readdir(path.join(dataDir, 'blobs', 'results'));
    expect(results.filter((f) => f.startsWith(id))).toHaveLength(1);
    expect((await stat(path.join(dataDir, 'blobs', 'results', results[0]!))).size).toBeGreaterThan(0);
  }, 60_000);
});
