/**
 * The Engine contract: what every engine (local ffmpeg, DashScope, relay) must do, through the Engine
 * interface alone, driven on a stepped clock (engine-driver.ts). Also exports the ffprobe/frame helpers
 * the engine tests share.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath, ffprobePath } from '../../src/adapters/media/ffmpeg-paths.js';
import { sizeForInput, sizeForRatio, type FrameSize } from '../../src/domain/output-size.js';
import type { EngineJob, EngineStep, LocalMedia } from '../../src/domain/ports.js';
import type { UnifiedRequest } from '../../src/domain/request.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { makeFixtures, type Fixtures } from '../helpers/make-fixtures.js';
import { DriverError, recordingContext, runJob, settle, type EngineHarness, type RunOutcome, type UpstreamTaskStatus } from './engine-driver.js';

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

export function baseRequest(overrides: Partial<UnifiedRequest>): UnifiedRequest {
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


// ---------- the contract ----------

export interface EngineContractOptions {
  /** Per-test timeout: an upstream engine does real renders and downloads. */
  timeoutMs?: number;
}

/** The contract, on a stepped clock (engine-driver.ts): nothing sleeps, the driver moves time. */
export function runEngineContract(name: string, makeHarness: () => Promise<EngineHarness>, opts: EngineContractOptions = {}): void {
  const timeoutMs = opts.timeoutMs ?? 60_000;

  describe(`Engine contract: ${name}`, () => {
    let dir: string;
    let fx: Fixtures;
    let server: FixtureServer;
    let h: EngineHarness;

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-engine-contract-'));
      fx = await makeFixtures(path.join(dir, 'fixtures'));
      server = await startFixtureServer(fx.dir);
      h = await makeHarness();
    });
    afterAll(async () => {
      await h?.close();
      await server?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    /** Local files for engines that read them; fixture-server URLs for engines that fetch. */
    function job(taskId: string, request: UnifiedRequest, media: { firstFrame?: LocalMedia }): EngineJob {
      const local = h.engine.needsLocalInputs;
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

    /** The upstream tasks created since `before` (an engine without an upstream: none). */
    async function createdSince(before: UpstreamTaskStatus[] | undefined): Promise<UpstreamTaskStatus[]> {
      const now = (await h.upstreamTasks?.()) ?? [];
      return now.slice(before?.length ?? 0);
    }

    const t2v = (durationSeconds = 2) => baseRequest({ mode: 't2v', resolution: '720P', durationSeconds, size: '16:9' });
    const t2vSize = sizeForRatio('720P', '16:9');

    it('describes itself and declares at least one slot', () => {
      expect(h.engine.id).toMatch(/^[a-z0-9_-]+$/);
      expect(h.engine.description.length).toBeGreaterThan(10);
      expect(h.engine.capacity).toBeGreaterThanOrEqual(1);
    });

    it('renders a 2 s 720P text-to-video job to an MP4 that meets the output spec', async () => {
      await expectDone(await runJob(h, job('contract_t2v', t2v(), {})), t2vSize, 2);
    }, timeoutMs);

    it("renders a first-frame image-to-video job at the image's aspect, meeting the output spec", async () => {
      const request = baseRequest({ mode: 'i2v_first_frame', resolution: '720P', durationSeconds: 2, firstFrameUrl: 'fixture:red.png' });
      const outcome = await runJob(h, job('contract_i2v', request, { firstFrame: image(fx.redPng, 800, 600) }));
      await expectDone(outcome, sizeForInput('720P', { width: 800, height: 600 }), 2);
    }, timeoutMs);

    it('fails for good, creating and saving nothing, a job that lacks the media its mode needs', async () => {
      const before = await h.upstreamTasks?.();
      const request = baseRequest({ mode: 'i2v_first_frame', firstFrameUrl: 'fixture:red.png' });
      const { ctx, saved } = recordingContext();
      const step = await settle(h, h.engine.start(job('contract_no_media', request, {}), ctx));
      expect(step).toMatchObject({ kind: 'failed', retryable: false, error: { reason: 'missing_input' } });
      expect(saved).toEqual([]);
      expect(await createdSince(before)).toEqual([]);
    }, timeoutMs);

    it('refuses a saved state it did not write: poll fails for good and cancel declines', async () => {
      const { ctx } = recordingContext();
      const step = await settle(h, h.engine.poll(job('contract_bad_state', t2v(), {}), 'not a state of this engine', ctx));
      expect(step).toMatchObject({ kind: 'failed', retryable: false });
      expect(await settle(h, h.engine.cancel('not a state of this engine'))).toBe('not_cancellable');
    }, timeoutMs);

    it('resumes from its last saved state in a new instance, without creating the task twice upstream', async () => {
      const before = await h.upstreamTasks?.();
      const j = job('contract_resume', t2v(), {});
      const { ctx, saved } = recordingContext();
      const first = await settle(h, h.engine.start(j, ctx));
      if (first.kind === 'done') {
        // It finished inside start() and saved nothing: after a restart a task simply starts over.
        expect(saved).toEqual([]);
        expect(await createdSince(before)).toEqual([]);
        return;
      }
      expect(first.kind, JSON.stringify(first)).toBe('running');
      if (first.kind !== 'running') return;
      // The worker stops here (the process dies); a new one resumes from the state the store holds.
      await h.restart();
      await expectDone(await runJob(h, j, { state: first.state }), t2vSize, 2);
      expect(await createdSince(before)).toEqual(['succeeded']);
    }, timeoutMs);

    it('cancels a task it has submitted, also upstream; a local render is stopped through the signal instead', async () => {
      const before = await h.upstreamTasks?.();
      if (!before) {
        expect(await h.engine.cancel('whatever state it is in')).toBe('not_cancellable');
        return;
      }
      const { ctx } = recordingContext();
      // A longer render, so a real upstream cannot finish it before the cancel arrives.
      const first = await settle(h, h.engine.start(job('contract_cancel', t2v(10), {}), ctx));
      expect(first.kind, JSON.stringify(first)).toBe('running');
      if (first.kind !== 'running') return;
      expect(await settle(h, h.engine.cancel(first.state))).toBe('cancelled');
      expect(await createdSince(before)).toEqual(['cancelled']);
    }, timeoutMs);

    it('stops at once when aborted mid-run, leaves no output, and finishes from its saved state afterwards', async () => {
      const before = await h.upstreamTasks?.();
      const j = job('contract_abort', t2v(), {});
      const controller = new AbortController();
      // Aborted at the first sign of work in progress, or when the engine first waits for time to pass.
      const { ctx, saved } = recordingContext({ signal: controller.signal, onProgress: () => controller.abort() });
      let state: string | null = null;
      let last: EngineStep | undefined;
      try {
        last = await settle(h, h.engine.start(j, ctx), { abortWhenWaiting: controller });
        while (last.kind === 'running' && !controller.signal.aborted) {
          state = last.state;
          last = await settle(h, h.engine.poll(j, state, ctx), { abortWhenWaiting: controller });
        }
      } catch (e) {
        if (e instanceof DriverError) throw e;
        last = undefined; // the call in progress gave up by throwing (a local render: AbortError)
      }
      expect(controller.signal.aborted).toBe(true);
      expect(last?.kind).not.toBe('done');
      if (last?.kind === 'running') state = last.state;
      await expect(stat(j.outputPath)).rejects.toMatchObject({ code: 'ENOENT' });
      await expectDone(await runJob(h, j, { state: state ?? saved.at(-1) ?? null }), t2vSize, 2);
      // An upstream engine created the task once, abort or not.
      expect(await createdSince(before)).toEqual(before ? ['succeeded'] : []);
    }, timeoutMs);

    it('waits, creating and saving nothing, while no channel slot is free, and runs once one is', async () => {
      const before = await h.upstreamTasks?.();
      const j = job('contract_full', t2v(), {});
      let asked = 0;
      const { ctx, saved } = recordingContext({ acquireChannel: async () => (asked++, null) });
      const step = await settle(h, h.engine.start(j, ctx));
      if (asked === 0) {
        // No channel slots: it runs within the worker's slots (its capacity), so it never waits on them.
        await expectDone({ step, progress: [], saved }, t2vSize, 2);
        return;
      }
      expect(step).toMatchObject({ kind: 'wait' });
      if (step.kind === 'wait') expect(step.retryAfterMs).toBeGreaterThan(0);
      expect(saved).toEqual([]);
      expect(await createdSince(before)).toEqual([]);
      await expectDone(await runJob(h, j), t2vSize, 2);
      expect(await createdSince(before)).toEqual(['succeeded']);
    }, timeoutMs);
  });
}
