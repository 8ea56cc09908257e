/**
 * The SDK against the relay path: our gateway forwards to a second wangate (the upstream), and the
 * SDK, unchanged, generates, follows and downloads through ours, local inputs included.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Wangate } from '../../packages/client/src/index.js';
import { makeFixtures, type Fixtures } from '../helpers/make-fixtures.js';
import { probeVideo } from '../helpers/probe-video.js';
import { startTestServer, testAdminKey, type TestServer } from '../helpers/start-test-server.js';

let upstream: TestServer;
let ours: TestServer;
let dir: string;
let fx: Fixtures;

/** A port free right now, so our server's public URL (which the upstream fetches uploads from) is known before it starts. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  upstream = await startTestServer({ WORKER_CONCURRENCY: '2', LOG_LEVEL: 'silent' });
  ours = await startTestServer({
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    WANGATE_ENGINE: 'relay',
    RELAY_BASE_URL: upstream.url,
    RELAY_API_KEY: testAdminKey,
    RELAY_IDEMPOTENT_CREATES: 'true',
    WORKER_POLL_INTERVAL_MS: '100',
    LOG_LEVEL: 'silent',
  });
  dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-sdk-relay-'));
  fx = await makeFixtures(path.join(dir, 'fixtures'));
});
afterAll(async () => {
  await ours?.cleanup();
  await upstream?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

it('generates through a relaying gateway (text and first frame) and saves the upstream-rendered MP4', async () => {
  const client = new Wangate({ apiKey: testAdminKey, baseURL: ours.url });
  const t2v = await client.videos.generateAndWait({ model: 'wan2.7', prompt: 'relayed cat', resolution: '720P', duration: 2 });
  expect(t2v.engine.id).toBe('relay');
  const i2v = await client.videos.generateAndWait({ model: 'wan2.7', image_urls: [await readFile(fx.redPng)], resolution: '720P', duration: 2 });
  expect(i2v.mode).toBe('i2v_first_frame');
  const file = path.join(dir, 'relayed.mp4');
  await client.tasks.saveContent(i2v.id, file);
  expect(await probeVideo(file)).toMatchObject({ codecs: ['h264', 'aac'] });
  const upstreamTasks = (await upstream.api('GET', '/v1/tasks?limit=10')).json.data;
  expect(upstreamTasks.map((t: { mode: string }) => t.mode).sort()).toEqual(['i2v_first_frame', 't2v']);
});
