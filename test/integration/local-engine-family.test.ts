/**
 * The local preview engine renders wan2.7-r2v and wan2.7-videoedit with the exact output spec, from real
 * fixture media probed by ffprobe; outputs are checked with ffprobe and by looking at frames and sound.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalEngine } from '../../src/adapters/engines/local/local-engine.js';
import { createFfprobeProber } from '../../src/adapters/media/probe.js';
import { parseCreateRequest } from '../../src/domain/request.js';
import { sizeForInput, sizeForRatio } from '../../src/domain/output-size.js';
import type { EngineInputs, EngineJob, LocalMedia } from '../../src/domain/ports.js';
import { makeFixtures, type Fixtures } from '../helpers/make-fixtures.js';
import { audioPeak, colourShare, samples, toneFrequencyHz } from '../helpers/media-checks.js';
import { expectColourNear, expectMeetsOutputSpec, frameMeanRgb } from '../contract/engine-contract.js';
import { runToEnd } from '../contract/engine-driver.js';

const engine = createLocalEngine({ capacity: 1, threads: 2 });
const prober = createFfprobeProber();
const RED: [number, number, number] = [255, 0, 0];
const GREEN: [number, number, number] = [0, 128, 0];
const YELLOW: [number, number, number] = [255, 255, 0];
const BLUE: [number, number, number] = [0, 0, 255];

let dir: string;
let fx: Fixtures;
let counter = 0;
const local = async (file: string): Promise<LocalMedia> => ({ path: file, probe: await prober.probe(file) });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-local-family-'));
  fx = await makeFixtures(path.join(dir, 'fixtures'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function render(body: object, inputs: EngineInputs) {
  counter += 1;
  const job: EngineJob = {
    taskId: `task_${counter}`,
    request: parseCreateRequest({ resolution: '720P', seed: 11, ...body }, () => 1),
    inputs,
    mediaUrls: {},
    outputPath: path.join(dir, `out_${counter}.mp4`),
  };
  const { step } = await runToEnd(engine, job);
  expect(step.kind, JSON.stringify(step)).toBe('done');
  if (step.kind !== 'done') throw new Error('not rendered');
  return step.output;
}

const sha256 = async (file: string) => createHash('sha256').update(await readFile(file)).digest('hex');

describe('local engine: wan2.7-r2v', () => {
  it('shows every reference moving in the picture and voices them, meeting the output spec', async () => {
    const body = {
      model: 'wan2.7-r2v',
      prompt: 'Image 1 hands Video 1 a guitar while Image 2 watches',
      image_with_roles: [{ url: 'https://e/red.png', reference_voice: 'https://e/tone.wav' }, { url: 'https://e/wide.png' }],
      video_urls: ['https://e/clip.mp4'],
      duration: 3,
    };
    const inputs = { referenceImages: [{ media: await local(fx.redPng), voice: await local(fx.toneWav) }, { media: await local(fx.widePng) }], referenceVideos: [{ media: await local(fx.clipMp4) }] };
    const out = await render(body, inputs);
    const probed = await expectMeetsOutputSpec(out.path, sizeForRatio('720P', '16:9'), 3);
    expect(Math.abs(Number(probed.audio?.duration) - 3)).toBeLessThanOrEqual(1 / 30);
    for (const colour of [RED, GREEN, YELLOW]) expect(await colourShare(out.path, 1.5, colour)).toBeGreaterThan(0.01);
    // Image 1's voice (a 440 Hz tone) plays first.
    expect(await audioPeak(out.path, 0.5, 2)).toBeGreaterThan(1000);
    expect(await toneFrequencyHz(out.path, 0.5, 2)).toBeCloseTo(440, -1);
    // The model's billing on the probed lengths: 3 s of output + the 3 s reference video (under the 5 s cap).
    expect(out.billedSeconds).toBeCloseTo(3 + inputs.referenceVideos[0]!.media.probe.durationSeconds!, 6);
  });

  it("without a voice, a reference video's own sound is its voice", async () => {
    const out = await render({ model: 'wan2.7-r2v', prompt: 'Video 1 sings', video_urls: ['https://e/clip.mp4'], duration: 2 }, { referenceVideos: [{ media: await local(fx.clipMp4) }] });
    expect(await toneFrequencyHz(out.path, 0.3, 1.7)).toBeCloseTo(330, -1);
  });

  it("starts exactly on the first frame, at its aspect with sides multiples of 16, the size asked being ignored", async () => {
    const out = await render(
      { model: 'wan2.7-r2v', prompt: 'Image 1 walks in', image_with_roles: [{ url: 'https://e/blue.jpg', role: 'first_frame' }, { url: 'https://e/red.png' }], size: '9:16', duration: 2 },
      { firstFrame: await local(fx.blueJpg), referenceImages: [{ media: await local(fx.redPng) }] },
    );
    const size = sizeForInput('720P', { width: 640, height: 480 }, 16);
    expect(size).toEqual({ width: 1104, height: 832 });
    await expectMeetsOutputSpec(out.path, size, 2);
    expectColourNear(await frameMeanRgb(out.path, 'start'), BLUE);
    expect(await colourShare(out.path, 1.5, RED)).toBeGreaterThan(0.01);
  });

  it('renders the same request and seed to the same bytes', async () => {
    const body = { model: 'wan2.7-r2v', prompt: 'Image 1 dances', image_urls: ['https://e/red.png'], duration: 2, seed: 5 };
    const inputs = async () => ({ referenceImages: [{ media: await local(fx.redPng) }] });
    const a = await render(body, await inputs());
    const b = await render(body, await inputs());
    expect(await sha256(a.path)).toBe(await sha256(b.path));
  });
});

describe('local engine: wan2.7-videoedit', () => {
  it("keeps the source's length, aspect and sound with audio_setting origin, edited visibly, references inset", async () => {
    const source = await local(fx.clipMp4);
    const out = await render(
      { model: 'wan2.7-videoedit', prompt: 'Replace her jacket with the one in the image', video_urls: ['https://e/clip.mp4'], image_urls: ['https://e/red.png'], audio_setting: 'origin' },
      { video: source, referenceImages: [{ media: await local(fx.redPng) }] },
    );
    const seconds = Math.round(source.probe.durationSeconds! * 30) / 30;
    await expectMeetsOutputSpec(out.path, sizeForInput('720P', { width: 640, height: 360 }), seconds);
    // The source's own sound (a 330 Hz tone), kept.
    expect(await toneFrequencyHz(out.path, 0.5, 2.5)).toBeCloseTo(330, -1);
    // The yellow source is recoloured, and the reference image is inset.
    expect(await colourShare(out.path, 1, YELLOW)).toBeLessThan(0.05);
    expect(await colourShare(out.path, 1, RED)).toBeGreaterThan(0.005);
    // Billing on the probed lengths: source + output.
    expect(out.billedSeconds).toBeCloseTo(source.probe.durationSeconds! + seconds, 6);
  });

  it('cuts to duration from the start at the asked aspect; auto lays a drone under the source sound, origin does not', async () => {
    const body = { model: 'wan2.7-videoedit', video_urls: ['https://e/clip.mp4'], duration: 2, size: '1:1' };
    const auto = await render(body, { video: await local(fx.clipMp4) });
    await expectMeetsOutputSpec(auto.path, sizeForRatio('720P', '1:1'), 2);
    expect(await toneFrequencyHz(auto.path, 0.5, 1.5)).toBeCloseTo(330, -1);
    const origin = await render({ ...body, audio_setting: 'origin' }, { video: await local(fx.clipMp4) });
    const [a, o] = [await samples(auto.path, 0.5, 1.5), await samples(origin.path, 0.5, 1.5)];
    let difference = 0;
    for (let i = 0; i + 1 < Math.min(a.length, o.length); i += 2) difference = Math.max(difference, Math.abs(a.readInt16LE(i) - o.readInt16LE(i)));
    expect(difference).toBeGreaterThan(300);
  });
});
