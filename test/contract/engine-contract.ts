/**
 * The Engine contract: what every engine (local ffmpeg, DashScope, ...) must do, through the Engine
 * interface alone. Also exports the ffprobe/frame helpers the engine tests share.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath, ffprobePath } from '../../src/adapters/media/ffmpeg-paths.js';
import { sizeForInput, sizeForRatio, type FrameSize } from '../../src/domain/output-size.js';
import type { Engine, EngineContext, EngineJob, EngineStep, LocalMedia } from '../../src/domain/ports.js';
import type { GenerationRequest } from '../../src/domain/request.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { makeFixtures, type Fixtures } from '../helpers/make-fixtures.js';

const run = promisify(execFile);

// ---------- shared helpers ----------

interface ProbeStream {
  codec_type: string;
  codec_name: string;
  pix_fmt?: string;
  width?: number;
  height?: number;
  r_frame_rate?: string;
  duration?: string;
}

export interface ProbedOutput {
  video: ProbeStream | undefined;
  audio: ProbeStream | undefined;
  formatName: string;
  durationSeconds: number;
}

export async function probeOutput(file: string): Promise<ProbedOutput> {
  const { stdout } = await run(ffprobePath, ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', file]);
  const json = JSON.parse(stdout) as { streams: ProbeStream[]; format: { format_name: string; duration: string } };
  return {
    video: json.streams.find((s) => s.codec_type === 'video'),
    audio: json.streams.find((s) => s.codec_type === 'audio'),
    formatName: json.format.format_name,
    durationSeconds: Number(json.format.duration),
  };
}

/** The output spec: MP4, H.264 yuv420p + AAC, 30 fps, the requested size and duration (± one frame). */
export async function expectMeetsOutputSpec(file: string, size: FrameSize, durationSeconds: number): Promise<ProbedOutput> {
  const p = await probeOutput(file);
  expect(p.formatName).toContain('mp4');
  expect(p.video).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p', width: size.width, height: size.height, r_frame_rate: '30/1' });
  expect(p.audio?.codec_name).toBe('aac');
  expect(Math.abs(p.durationSeconds - durationSeconds)).toBeLessThanOrEqual(1 / 30 + 1e-6);
  expect(Math.abs(Number(p.video?.duration) - durationSeconds)).toBeLessThanOrEqual(1 / 30 + 1e-6);
  return p;
}

/**
 * Mean RGB of one frame (the first, or about 0.1 s before the end), optionally of a crop
 * (an ffmpeg crop expression such as 'iw/4:ih/8:iw*3/4:ih*7/8'), via an 8x8 raw RGB thumbnail.
 */
export async function frameMeanRgb(file: string, at: 'start' | 'end', crop?: string): Promise<[number, number, number]> {
  const seek = at === 'end' ? ['-sseof', '-0.1'] : [];
  const filter = [...(crop ? [`crop=${crop}`] : []), 'scale=8:8'].join(',');
  const { stdout } = await run(
    ffmpegPath,
    ['-v', 'error', ...seek, '-i', file, '-frames:v', '1', '-vf', filter, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    { encoding: 'buffer', maxBuffer: 1024 * 1024 },
  );
  const bytes = stdout as Buffer;
  const sums = [0, 0, 0];
  for (let i = 0; i < bytes.length; i++) sums[i % 3]! += bytes[i]!;
  const pixels = bytes.length / 3;
  return [sums[0]! / pixels, sums[1]! / pixels, sums[2]! / pixels];
}

/** Colours within a per-channel tolerance (codecs and YUV conversion blur solid colours a little). */
export function expectColourNear(actual: [number, number, number], expected: [number, number, number], tolerance = 30): void {
  const far = actual.some((v, i) => Math.abs(v - expected[i]!) > tolerance);
  expect(far, `colour ${actual.map((v) => v.toFixed(0)).join(',')} is not near ${expected.join(',')}`).toBe(false);
}

export function image(file: string, width: number, height: number): LocalMedia {
  return { path: file, probe: { formatName: 'png_pipe', bytes: 1, width, height, hasVideo: true, hasAudio: false, videoCodec: 'png' } };
}

export function baseRequest(overrides: Partial<GenerationRequest>): GenerationRequest {
  return {
    model: 'wan2.7',
    mode: 't2v',
    prompt: 'A paper boat drifting down a rainy street, soft morning light',
    resolution: '720P',
    durationSeconds: 2,
    size: '16:9',
    sizeIgnored: false,
    promptExtend: false,
    watermark: false,
    seed: 42,
    ...overrides,
  };
}

export interface RunOutcome {
  step: EngineStep;
  progress: number[];
}

/** Drives an engine as the worker does: start, then poll while running (waiting when told to). */
export async function runToEnd(engine: Engine, job: EngineJob, signal = new AbortController().signal, onProgress?: (percent: number) => void): Promise<RunOutcome> {
  const progress: number[] = [];
  let state: string | null = null;
  const ctx: EngineContext = {
    signal,
    onProgress: (percent) => {
      progress.push(percent);
      onProgress?.(percent);
    },
    saveState: async (s) => {
      state = s;
    },
    acquireChannel: async (candidates) => candidates[0]?.id ?? null,
  };
  let step = await engine.start(job, ctx);
  while (step.kind === 'running' || step.kind === 'wait') {
    const delayMs = step.kind === 'wait' ? step.retryAfterMs : 1000;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    step = step.kind === 'running' ? await engine.poll(job, step.state, ctx) : state ? await engine.poll(job, state, ctx) : await engine.start(job, ctx);
  }
  return { step, progress };
}

// ---------- the contract ----------

export interface EngineContractOptions {
  /** Per-test timeout: an upstream engine takes minutes. */
  timeoutMs?: number;
}

export function runEngineContract(name: string, makeEngine: () => Engine | Promise<Engine>, opts: EngineContractOptions = {}): void {
  const timeoutMs = opts.timeoutMs ?? 60_000;

  describe(`Engine contract: ${name}`, () => {
    let dir: string;
    let fx: Fixtures;
    let server: FixtureServer;
    let engine: Engine;

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-engine-contract-'));
      fx = await makeFixtures(path.join(dir, 'fixtures'));
      server = await startFixtureServer(fx.dir);
      engine = await makeEngine();
    });
    afterAll(async () => {
      await server?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    /** Local files for engines that read them; fixture-server URLs for engines that fetch. */
    function job(taskId: string, request: GenerationRequest, media: { firstFrame?: LocalMedia }): EngineJob {
      const local = engine.needsLocalInputs;
      return {
        taskId,
        request,
        inputs: local ? media : {},
        mediaUrls: !local && media.firstFrame ? { firstFrame: server.url(path.basename(media.firstFrame.path)) } : {},
        outputPath: path.join(dir, `${taskId}.mp4`),
      };
    }

    async function expectDone(outcome: RunOutcome, size: FrameSize, durationSeconds: number): Promise<void> {
      const { step, progress } = outcome;
      expect(step.kind, JSON.stringify(step)).toBe('done');
      if (step.kind !== 'done') return;
      expect(step.output).toMatchObject({ width: size.width, height: size.height, durationSeconds, fps: 30 });
      expect((await stat(step.output.path)).size).toBeGreaterThan(0);
      await expectMeetsOutputSpec(step.output.path, size, durationSeconds);
      for (const [i, p] of progress.entries()) {
        expect(p).toBeGreaterThanOrEqual(i > 0 ? progress[i - 1]! : 0);
        expect(p).toBeLessThanOrEqual(100);
      }
    }

    it('describes itself and declares at least one slot', () => {
      expect(engine.id).toMatch(/^[a-z0-9_-]+$/);
      expect(engine.description.length).toBeGreaterThan(10);
      expect(engine.capacity).toBeGreaterThanOrEqual(1);
    });

    it('renders a 2 s 720P text-to-video job to an MP4 that meets the output spec', async () => {
      const request = baseRequest({ mode: 't2v', resolution: '720P', durationSeconds: 2, size: '16:9' });
      await expectDone(await runToEnd(engine, job('contract_t2v', request, {})), sizeForRatio('720P', '16:9'), 2);
    }, timeoutMs);

    it("renders a first-frame image-to-video job at the image's aspect, meeting the output spec", async () => {
      const request = baseRequest({ mode: 'i2v_first_frame', resolution: '720P', durationSeconds: 2, firstFrameUrl: 'fixture:red.png' });
      const outcome = await runToEnd(engine, job('contract_i2v', request, { firstFrame: image(fx.redPng, 800, 600) }));
      await expectDone(outcome, sizeForInput('720P', { width: 800, height: 600 }), 2);
    }, timeoutMs);
  });
}
