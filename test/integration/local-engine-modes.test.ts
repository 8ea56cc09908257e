import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalEngine } from '../../src/adapters/engines/local/local-engine.js';
import { aspectRatios, sizeForInput, sizeForRatio, type FrameSize } from '../../src/domain/output-size.js';
import type { EngineInputs, EngineJob, LocalMedia } from '../../src/domain/ports.js';
import type { UnifiedRequest } from '../../src/domain/request.js';
import { makeFixtures, type Fixtures } from '../helpers/make-fixtures.js';
import { audioPeak } from '../helpers/media-checks.js';
import { baseRequest, expectColourNear, expectMeetsOutputSpec, frameMeanRgb, image, probeOutput } from '../contract/engine-contract.js';
import { runToEnd } from '../contract/engine-driver.js';

const engine = createLocalEngine({ capacity: 1, threads: 2 });

const RED: [number, number, number] = [255, 0, 0];
const BLUE: [number, number, number] = [0, 0, 255];
const GREEN: [number, number, number] = [0, 128, 0];
const YELLOW: [number, number, number] = [255, 255, 0];

let dir: string;
let fx: Fixtures;
let clip: LocalMedia;
let tone: LocalMedia;
let longMp3: LocalMedia;
let counter = 0;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-local-engine-'));
  fx = await makeFixtures(path.join(dir, 'fixtures'));
  clip = { path: fx.clipMp4, probe: { formatName: 'mov,mp4,m4a,3gp,3g2,mj2', bytes: 1, width: 640, height: 360, durationSeconds: 3, hasVideo: true, hasAudio: true, videoCodec: 'h264' } };
  tone = { path: fx.toneWav, probe: { formatName: 'wav', bytes: 1, durationSeconds: 4, hasVideo: false, hasAudio: true } };
  longMp3 = { path: fx.longMp3, probe: { formatName: 'mp3', bytes: 1, durationSeconds: 20, hasVideo: false, hasAudio: true } };
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function makeJob(request: Partial<UnifiedRequest>, inputs: EngineInputs = {}, outDir?: string): EngineJob {
  counter += 1;
  return { taskId: `task_${counter}`, request: baseRequest(request), inputs, mediaUrls: {}, outputPath: path.join(outDir ?? dir, `out_${counter}.mp4`) };
}

async function render(job: EngineJob): Promise<string> {
  const { step, progress } = await runToEnd(engine, job);
  expect(step.kind, JSON.stringify(step)).toBe('done');
  expect(progress.at(-1)).toBe(100);
  return job.outputPath;
}

const sha256 = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

describe('local engine: text-to-video', () => {
  it.each(aspectRatios)('renders %s at 720P with the spec size, 30 fps, exact duration, H.264 + AAC', async (ratio) => {
    const file = await render(makeJob({ size: ratio, durationSeconds: 2 }));
    await expectMeetsOutputSpec(file, sizeForRatio('720P', ratio), 2);
  });

  it('renders 1080P 16:9 at 1920x1080', async () => {
    const file = await render(makeJob({ resolution: '1080P', durationSeconds: 2 }));
    await expectMeetsOutputSpec(file, { width: 1920, height: 1080 }, 2);
  });

  it('without audio, the track is a generated tone, audible but soft', async () => {
    const file = await render(makeJob({ durationSeconds: 2 }));
    const peak = await audioPeak(file, 0.8, 1.2);
    expect(peak).toBeGreaterThan(1000);
    expect(peak).toBeLessThan(8000);
  });

  it('truncates a long MP3 to exactly the duration', async () => {
    const file = await render(makeJob({ durationSeconds: 3 }, { audio: longMp3 }));
    const probed = await expectMeetsOutputSpec(file, sizeForRatio('720P', '16:9'), 3);
    expect(Math.abs(Number(probed.audio?.duration) - 3)).toBeLessThanOrEqual(1 / 30);
    expect(await audioPeak(file, 1, 2.5)).toBeGreaterThan(1000);
  });

  it('the same request renders byte-identical files; another seed renders different bytes', async () => {
    const a = await render(makeJob({ seed: 77 }));
    const b = await render(makeJob({ seed: 77 }));
    const c = await render(makeJob({ seed: 78 }));
    expect(await sha256(a)).toBe(await sha256(b));
    expect(await sha256(c)).not.toBe(await sha256(a));
  });

  it('renders into a folder whose path has quotes, colons, commas and brackets, with a hostile prompt', async () => {
    const odd = path.join(dir, "it's: [odd], dir; 100%");
    await mkdir(odd, { recursive: true });
    const prompt = "Don't stop: 'quotes', [brackets]; commas, %{pts} \\ backslash\nnewline ".repeat(20);
    const file = await render(makeJob({ prompt, watermark: true }, {}, odd));
    await expectMeetsOutputSpec(file, sizeForRatio('720P', '16:9'), 2);
    // Only the finished MP4 stays: no partial file, no prompt text file.
    expect(await readdir(odd)).toEqual([path.basename(file)]);
  });
});

describe('local engine: image-to-video', () => {
  it('first frame: starts on the cover-fitted image, keeps its aspect, meets the spec', async () => {
    const file = await render(makeJob({ mode: 'i2v_first_frame', durationSeconds: 3 }, { firstFrame: image(fx.redPng, 800, 600) }));
    await expectMeetsOutputSpec(file, sizeForInput('720P', { width: 800, height: 600 }), 3);
    expectColourNear(await frameMeanRgb(file, 'start'), RED);
    expectColourNear(await frameMeanRgb(file, 'end'), RED);
  });

  it('first frame of a 3:1 image: output keeps 3:1 and the picture covers the whole frame', async () => {
    const file = await render(makeJob({ mode: 'i2v_first_frame', durationSeconds: 2 }, { firstFrame: image(fx.widePng, 1200, 400) }));
    const size = sizeForInput('720P', { width: 1200, height: 400 });
    expect(size.width / size.height).toBeCloseTo(3, 1);
    await expectMeetsOutputSpec(file, size, 2);
    expectColourNear(await frameMeanRgb(file, 'start'), GREEN);
  });

  it('first + last frame: starts on the first image and ends on the last one', async () => {
    const inputs = { firstFrame: image(fx.redPng, 800, 600), lastFrame: image(fx.blueJpg, 640, 480) };
    const file = await render(makeJob({ mode: 'i2v_first_last', durationSeconds: 3 }, inputs));
    await expectMeetsOutputSpec(file, sizeForInput('720P', { width: 800, height: 600 }), 3);
    expectColourNear(await frameMeanRgb(file, 'start'), RED);
    expectColourNear(await frameMeanRgb(file, 'end'), BLUE);
  });

  it('image + shorter audio: the audio is kept, then padded with silence to the full duration', async () => {
    const file = await render(makeJob({ mode: 'i2v_first_frame', durationSeconds: 5 }, { firstFrame: image(fx.redPng, 800, 600), audio: tone }));
    const probed = await expectMeetsOutputSpec(file, sizeForInput('720P', { width: 800, height: 600 }), 5);
    expect(Math.abs(Number(probed.audio?.duration) - 5)).toBeLessThanOrEqual(1 / 30);
    expect(await audioPeak(file, 1, 3.5)).toBeGreaterThan(1000);
    expect(await audioPeak(file, 4.2, 5)).toBeLessThan(100);
  });

  it('the watermark changes the lower-right corner, and only when asked', async () => {
    const inputs = { firstFrame: image(fx.redPng, 800, 600) };
    const plain = await render(makeJob({ mode: 'i2v_first_frame', watermark: false }, inputs));
    const marked = await render(makeJob({ mode: 'i2v_first_frame', watermark: true }, inputs));
    const corner = 'iw/5:ih/12:iw*4/5:ih*11/12';
    const [plainCorner, markedCorner] = [await frameMeanRgb(plain, 'start', corner), await frameMeanRgb(marked, 'start', corner)];
    expectColourNear(plainCorner, RED, 20);
    // White text lifts green and blue where the plain red frame has none.
    expect(markedCorner[1] + markedCorner[2]).toBeGreaterThan(plainCorner[1] + plainCorner[2] + 20);
  });
});

describe('local engine: video continuation', () => {
  const clipSize = (): FrameSize => sizeForInput('720P', { width: 640, height: 360 });

  it('starts with the input clip and continues to the full duration, keeping the clip audio', async () => {
    const file = await render(makeJob({ mode: 'video_continuation', durationSeconds: 5 }, { video: clip }));
    const probed = await expectMeetsOutputSpec(file, clipSize(), 5);
    expect(Math.abs(Number(probed.audio?.duration) - 5)).toBeLessThanOrEqual(1 / 30);
    expectColourNear(await frameMeanRgb(file, 'start'), YELLOW);
    expectColourNear(await frameMeanRgb(file, 'end'), YELLOW);
    expect(await audioPeak(file, 0.5, 2.5)).toBeGreaterThan(1000);
  });

  it('a clip without sound stays silent while it plays, then a generated tone follows', async () => {
    const silentClip: LocalMedia = { ...clip, probe: { ...clip.probe, hasAudio: false } };
    const file = await render(makeJob({ mode: 'video_continuation', durationSeconds: 5 }, { video: silentClip }));
    await expectMeetsOutputSpec(file, clipSize(), 5);
    expect(await audioPeak(file, 0.5, 2.5)).toBeLessThan(100);
    expect(await audioPeak(file, 3.5, 4.2)).toBeGreaterThan(1000);
  });

  it('with a last frame: starts with the clip and ends exactly on the last image', async () => {
    const file = await render(makeJob({ mode: 'video_continuation', durationSeconds: 5 }, { video: clip, lastFrame: image(fx.blueJpg, 640, 480) }));
    await expectMeetsOutputSpec(file, clipSize(), 5);
    expectColourNear(await frameMeanRgb(file, 'start'), YELLOW);
    expectColourNear(await frameMeanRgb(file, 'end'), BLUE);
  });
});

describe('local engine: abort', () => {
  it('an abort kills the render promptly, rejects with AbortError and leaves no file', async () => {
    const job = makeJob({ resolution: '1080P', durationSeconds: 15 });
    const controller = new AbortController();
    // Abort once ffmpeg reports progress: the render is surely running then.
    let rendering!: () => void;
    const firstProgress = new Promise<void>((resolve) => (rendering = resolve));
    const started = runToEnd(engine, job, controller.signal, () => rendering());
    await firstProgress;
    const abortedAtMs = Date.now();
    controller.abort();
    await expect(started).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - abortedAtMs).toBeLessThan(1000);
    const left = (await readdir(dir)).filter((f) => f.startsWith(path.basename(job.outputPath)));
    expect(left).toEqual([]);
  });

  it('an already-aborted signal rejects at once without rendering', async () => {
    const controller = new AbortController();
    controller.abort();
    const job = makeJob({});
    await expect(runToEnd(engine, job, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    await expect(probeOutput(job.outputPath)).rejects.toThrow();
  });
});

describe('local engine: failures and the rest of the interface', () => {
  it('says plainly that it is a local preview, not the Wan2.7 model, and needs local inputs', () => {
    expect(engine.id).toBe('local');
    expect(engine.needsLocalInputs).toBe(true);
    expect(engine.description).toMatch(/local/i);
    expect(engine.description).toMatch(/not the Wan2\.7 model/);
  });

  it('a render ffmpeg cannot do fails as retryable render_failed with ffmpeg\'s error, leaving no file', async () => {
    const job = makeJob({ mode: 'i2v_first_frame' }, { firstFrame: image(fx.fakePng, 800, 600) });
    const { step } = await runToEnd(engine, job);
    expect(step).toMatchObject({ kind: 'failed', retryable: true, error: { code: 'internal', reason: 'render_failed' } });
    if (step.kind === 'failed') expect(step.error.message).toMatch(/ffmpeg exited with code \d+: .+/s);
    expect((await readdir(dir)).filter((f) => f.startsWith(path.basename(job.outputPath)))).toEqual([]);
  });

  it('a job missing its input image fails permanently instead of starting ffmpeg', async () => {
    const { step } = await runToEnd(engine, makeJob({ mode: 'i2v_first_last' }, { firstFrame: image(fx.redPng, 800, 600) }));
    expect(step).toMatchObject({ kind: 'failed', retryable: false, error: { reason: 'missing_input' } });
  });

  it('poll() reports a permanent failure (a local render finishes inside start) and cancel() is not_cancellable', async () => {
    const ctx = { signal: new AbortController().signal, onProgress: () => {}, saveState: async () => {}, acquireChannel: async () => null };
    expect(await engine.poll(makeJob({}), 'anything', ctx)).toMatchObject({ kind: 'failed', retryable: false });
    expect(await engine.cancel('anything')).toBe('not_cancellable');
  });
});
