/**
 * The relay engine end to end: a second wangate (local engine) is the upstream; ours runs with
 * WANGATE_ENGINE=relay. A small proxy between them can cut the connection of a create after the upstream
 * accepted it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startFixtureServer } from '../helpers/fixture-server.js';
import { makeFixtures } from '../helpers/make-fixtures.js';
import { startTestServer, submitTask, testAdminKey, waitForTask, type TestServer } from '../helpers/start-test-server.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

interface CutProxy {
  url: string;
  /** task_id of every create the upstream answered (including the ones the client never saw). */
  createdIds: string[];
  /** Cut the next N creates after the upstream answered them. */
  cutNextCreates(n: number): void;
}

/** Forwards everything to the upstream; a create chosen to be cut reaches the upstream, but its answer never comes back. */
async function cutProxy(upstream: string): Promise<CutProxy> {
  const target = new URL(upstream);
  const createdIds: string[] = [];
  let toCut = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const out = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
        (up) => {
          const body: Buffer[] = [];
          up.on('data', (c: Buffer) => body.push(c));
          up.on('end', () => {
            const text = Buffer.concat(body);
            const isCreate = req.method === 'POST' && req.url === '/v1/videos/generations';
            if (isCreate && up.statusCode === 200) createdIds.push(JSON.parse(text.toString()).data[0].task_id);
            if (isCreate && toCut > 0) {
              toCut--;
              req.socket.destroy();
              return;
            }
            res.writeHead(up.statusCode ?? 502, up.headers);
            res.end(text);
          });
        },
      );
      out.on('error', () => res.destroy());
      out.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, createdIds, cutNextCreates: (n) => (toCut = n) };
}

async function servers(env: Record<string, string> = {}): Promise<{ upstream: TestServer; ours: TestServer; proxy: CutProxy }> {
  const upstream = await startTestServer({ WORKER_CONCURRENCY: '2', LOG_LEVEL: 'silent' });
  cleanups.push(() => upstream.cleanup());
  const proxy = await cutProxy(upstream.url);
  const ours = await startTestServer({
    WANGATE_ENGINE: 'relay',
    RELAY_BASE_URL: proxy.url,
    RELAY_API_KEY: testAdminKey,
    RELAY_MAX_CONCURRENT: '2',
    WORKER_POLL_INTERVAL_MS: '100',
    // Queried and retried every 200 ms, not every 1-2 s: the tests wait on the upstream's renders, not on ours.
    RELAY_RECHECK_MS: '200',
    RELAY_CREATE_RETRY_MS: '200',
    LOG_LEVEL: 'silent',
    ...env,
  });
  cleanups.push(() => ours.cleanup());
  return { upstream, ours, proxy };
}

const submit = (s: TestServer, prompt: string) => submitTask(s, { model: 'wan2.7', prompt, resolution: '720P', duration: 2, seed: 5 });

it('relays text-to-video tasks to another gateway and copies each result into our storage', async () => {
  const { upstream, ours, proxy } = await servers({ RELAY_IDEMPOTENT_CREATES: 'true' });
  const ids = await Promise.all([0, 1, 2].map((i) => submit(ours, `relay ${i}`)));
  const done = await Promise.all(ids.map((id) => waitForTask(ours, id)));
  expect(proxy.createdIds).toHaveLength(3);
  const upstreamTasks = await Promise.all(proxy.createdIds.map(async (id) => (await upstream.api('GET', `/v1/tasks/${id}`)).json.data));
  const upstreamBytes = await Promise.all(upstreamTasks.map(async (u) => Buffer.from(await (await fetch(u.result.videos[0].url[0])).arrayBuffer())));
  for (const t of done) {
    expect(t.status, JSON.stringify(t.error)).toBe('completed');
    expect(t.engine.id).toBe('relay');
    const url: string = t.result.videos[0].url[0];
    expect(new URL(url).origin).toBe(new URL(ours.url).origin);
    const mine = Buffer.from(await (await fetch(url)).arrayBuffer());
    // Byte for byte what the upstream rendered.
    expect(upstreamBytes.some((b) => b.equals(mine))).toBe(true);
    expect(t.result.videos[0]).toMatchObject({ width: 1280, height: 720 });
  }
});

it('survives a connection cut after the upstream accepted the create, without a duplicate (Idempotency-Key)', async () => {
  const { upstream, ours, proxy } = await servers({ RELAY_IDEMPOTENT_CREATES: 'true' });
  proxy.cutNextCreates(1);
  const id = await submit(ours, 'cut after accept');
  const t = await waitForTask(ours, id);
  expect(t.status, JSON.stringify(t.error)).toBe('completed');
  // The upstream saw the create twice (the resend) but both answers name the same task.
  expect(proxy.createdIds.length).toBeGreaterThanOrEqual(2);
  expect(new Set(proxy.createdIds).size).toBe(1);
  const { json } = await upstream.api('GET', '/v1/tasks?limit=50');
  expect(json.data.filter((u: any) => u.status !== 'failed')).toHaveLength(1);
});

it('fails with its hold released, rather than resend, when the upstream is not known to honour Idempotency-Key', async () => {
  const { ours, proxy } = await servers();
  const { json: created } = await ours.api('POST', '/admin/keys', { name: 'app', balance: 100 });
  const key: string = created.data.key;
  proxy.cutNextCreates(1);
  const { json } = await ours.api('POST', '/v1/videos/generations', { model: 'wan2.7', prompt: 'no idempotency', resolution: '720P', duration: 2 }, key);
  const t = await waitForTask(ours, json.data[0].task_id, key);
  expect(t.status).toBe('failed');
  expect(t.error.reason).toBe('upstream_create_unreconciled');
  expect(proxy.createdIds).toHaveLength(1);
  const usage = (await ours.api('GET', '/v1/usage', undefined, key)).json.data;
  expect(usage.totals.outstanding).toBe(0);
});

it('relays wan2.7-r2v and wan2.7-videoedit unchanged: the other gateway runs the same model and mode', async () => {
  const fx = await makeFixtures(await mkdtemp(path.join(os.tmpdir(), 'wangate-relay-fx-')));
  cleanups.push(() => rm(fx.dir, { recursive: true, force: true }));
  const media = await startFixtureServer(fx.dir);
  cleanups.push(() => media.close());
  const { upstream, ours, proxy } = await servers({ RELAY_IDEMPOTENT_CREATES: 'true' });
  const r2v = await submitTask(ours, {
    model: 'wan2.7-r2v',
    prompt: 'Image 1 waves at Video 1',
    image_with_roles: [{ url: media.url('red.png'), reference_voice: media.url('tone.wav') }, { url: media.url('blue.jpg'), role: 'first_frame' }],
    video_urls: [media.url('clip.mp4')],
    resolution: '720P',
    duration: 2,
  });
  const edit = await submitTask(ours, { model: 'wan2.7-videoedit', video_urls: [media.url('clip.mp4')], image_urls: [media.url('red.png')], duration: 2, size: '1:1', audio_setting: 'origin', resolution: '720P' });
  const done = await Promise.all([r2v, edit].map((id) => waitForTask(ours, id)));
  for (const t of done) expect(t.status, JSON.stringify(t.error)).toBe('completed');
  expect(done.map((t) => [t.model, t.mode])).toEqual([
    ['wan2.7-r2v', 'r2v_first_frame'],
    ['wan2.7-videoedit', 'video_edit'],
  ]);
  const theirs = await Promise.all(proxy.createdIds.map(async (id) => (await upstream.api('GET', `/v1/tasks/${id}`)).json.data));
  expect(theirs.map((u) => [u.model, u.mode, u.parameters.duration, u.parameters.size ?? null, u.parameters.audio_setting ?? null]).sort()).toEqual([
    ['wan2.7-r2v', 'r2v_first_frame', 2, null, null],
    ['wan2.7-videoedit', 'video_edit', 2, '1:1', 'origin'],
  ]);
  expect(done[1]!.result.videos[0]).toMatchObject({ width: 960, height: 960 });
});
