/**
 * The seed page's six use cases, end to end over real HTTP on the embedded defaults: create, poll
 * until completed, download the signed result URL without a key, and check the MP4 with ffprobe.
 */
import { writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sizeForInput, sizeForRatio } from '../../src/domain/output-size.js';
import { expectColourNear, expectMeetsOutputSpec, frameMeanRgb } from '../contract/engine-contract.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { makeFixtures, type Fixtures } from '../helpers/make-fixtures.js';
import { startTestServer, waitForTask, type TestServer } from '../helpers/start-test-server.js';

let server: TestServer;
let media: FixtureServer;
let fx: Fixtures;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'wangate-seed-'));
  fx = await makeFixtures(path.join(scratch, 'fixtures'));
  media = await startFixtureServer(fx.dir);
  server = await startTestServer({ WORKER_CONCURRENCY: '2' });
});
afterAll(async () => {
  await server?.cleanup();
  await media?.close();
  await rm(scratch, { recursive: true, force: true });
});

const red: [number, number, number] = [255, 0, 0];
const blue: [number, number, number] = [0, 0, 255];
const yellow: [number, number, number] = [255, 255, 0];

/** Submits, waits for completion and downloads the result without the API key. */
async function generate(body: object): Promise<{ task: any; file: string }> {
  const created = await server.api('POST', '/v1/videos/generations', body);
  expect(created.status, JSON.stringify(created.json)).toBe(200);
  expect(created.json).toEqual({ code: 200, data: [{ status: 'submitted', task_id: expect.stringMatching(/^task_[0-9A-HJKMNP-TV-Z]{26}$/) }] });
  const task = await waitForTask(server, created.json.data[0].task_id);
  expect(task.status, JSON.stringify(task.error)).toBe('completed');
  const video = task.result.videos[0];
  expect(video.expires_at).toBeGreaterThan(Date.now() / 1000);
  const res = await fetch(video.url[0]);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('video/mp4');
  const file = path.join(scratch, `${task.id}.mp4`);
  await writeFile(file, Buffer.from(await res.arrayBuffer()));
  return { task, file };
}

describe('the seed use cases', () => {
  it('case 1: the simplest text-to-video request renders 1080P 16:9 for 5 s', async () => {
    const { task, file } = await generate({ model: 'wan2.7', prompt: 'A cat chasing butterflies on the grass, bright sunshine, slow motion' });
    expect(task).toMatchObject({ mode: 't2v', progress: 100, parameters: { resolution: '1080P', duration: 5, size: '16:9' } });
    await expectMeetsOutputSpec(file, sizeForRatio('1080P', '16:9'), 5);
  });

  it('case 2: text-to-video with every parameter honours size, duration, audio and watermark', async () => {
    const { task, file } = await generate({
      model: 'wan2.7',
      prompt: 'A lighthouse on a cliff at dusk, waves crashing',
      negative_prompt: 'blurry, distorted, low quality',
      resolution: '720p',
      duration: 3,
      size: '9:16',
      audio_url: media.url('long.mp3'),
      prompt_extend: false,
      watermark: true,
      seed: 12345,
    });
    expect(task.parameters).toMatchObject({ resolution: '720P', duration: 3, size: '9:16', watermark: true, seed: 12345, prompt_extend: false });
    await expectMeetsOutputSpec(file, sizeForRatio('720P', '9:16'), 3);
  });

  it('case 3: first frame to video starts on the given image at its aspect', async () => {
    const { task, file } = await generate({ model: 'wan2.7', prompt: 'the picture comes alive', image_urls: [media.url('red.png')], resolution: '720P', duration: 2 });
    expect(task.mode).toBe('i2v_first_frame');
    await expectMeetsOutputSpec(file, sizeForInput('720P', { width: 800, height: 600 }), 2);
    expectColourNear(await frameMeanRgb(file, 'start'), red);
  });

  it('case 4: first + last frame starts on the first image and ends on the last (also by roles)', async () => {
    // Both renders at once: the server runs two.
    const [{ task, file }, byRoles] = await Promise.all([
      generate({ model: 'wan2.7', image_urls: [media.url('red.png'), media.url('blue.jpg')], resolution: '720P', duration: 2 }),
      generate({
        model: 'wan2.7',
        image_with_roles: [
          { url: media.url('blue.jpg'), role: 'last_frame' },
          { url: media.url('red.png'), role: 'first_frame' },
        ],
        resolution: '720P',
        duration: 2,
      }),
    ]);
    expect(task.mode).toBe('i2v_first_last');
    await expectMeetsOutputSpec(file, sizeForInput('720P', { width: 800, height: 600 }), 2);
    expectColourNear(await frameMeanRgb(file, 'start'), red);
    expectColourNear(await frameMeanRgb(file, 'end'), blue);
    expectColourNear(await frameMeanRgb(byRoles.file, 'start'), red);
    expectColourNear(await frameMeanRgb(byRoles.file, 'end'), blue);
  });

  it('case 5: video continuation starts with the clip and lasts the total duration', async () => {
    const { task, file } = await generate({ model: 'wan2.7', prompt: 'keep going', video_urls: [media.url('clip.mp4')], resolution: '720P', duration: 5 });
    expect(task.mode).toBe('video_continuation');
    await expectMeetsOutputSpec(file, sizeForInput('720P', { width: 640, height: 360 }), 5);
    expectColourNear(await frameMeanRgb(file, 'start'), yellow);
  });

  it('case 6: image + driving audio keeps the image first and carries the audio', async () => {
    const { task, file } = await generate({
      model: 'wan2.7',
      prompt: 'dancing to the music',
      image_urls: [media.url('red.png')],
      audio_url: media.url('tone.wav'),
      resolution: '720P',
      duration: 3,
    });
    expect(task.mode).toBe('i2v_first_frame');
    const probed = await expectMeetsOutputSpec(file, sizeForInput('720P', { width: 800, height: 600 }), 3);
    expect(probed.audio?.codec_name).toBe('aac');
    expectColourNear(await frameMeanRgb(file, 'start'), red);
  });
});

describe('bad media fails the task with a clear error and costs nothing', () => {
  const cases: [string, object, string, string][] = [
    ['an image below 240 px', { image_urls: [`@tiny.png`] }, 'image_urls[0]', 'bad_dimensions'],
    ['text named .png', { image_urls: [`@fake.png`] }, 'image_urls[0]', 'unreadable_media'],
    ['a clip longer than 10 s', { video_urls: [`@long.mp4`], duration: 15 }, 'video_urls[0]', 'bad_duration'],
    ['a continuation not longer than its clip', { video_urls: [`@clip.mp4`], duration: 3 }, 'duration', 'duration_too_short'],
    ['a URL that does not exist', { image_urls: [`@missing.png`] }, 'image_urls[0]', 'fetch_failed'],
  ];
  for (const [what, media_, param, reason] of cases) {
    it(`${what}: failed with reason ${reason} naming ${param}`, async () => {
      const body = JSON.parse(JSON.stringify({ model: 'wan2.7', resolution: '720P', ...media_ }).replace(/"@([^"]+)"/g, (_m, name: string) => JSON.stringify(media.url(name))));
      const created = await server.api('POST', '/v1/videos/generations', body);
      expect(created.status).toBe(200);
      const task = await waitForTask(server, created.json.data[0].task_id);
      expect(task.status).toBe('failed');
      expect(task.error).toMatchObject({ code: 400, type: 'invalid_request_error', reason });
      expect(task.error.message).toContain(param);
      expect(task.cost).toBe(0);
    });
  }

  it('refuses a media URL on a private address even when loopback is allowed', async () => {
    const created = await server.api('POST', '/v1/videos/generations', { model: 'wan2.7', image_urls: ['http://10.1.2.3/a.png'] });
    const task = await waitForTask(server, created.json.data[0].task_id);
    expect(task.error).toMatchObject({ reason: 'url_not_allowed' });
  });
});
