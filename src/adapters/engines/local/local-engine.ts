/**
 * The local preview engine: not the AI model. It renders, with the bundled ffmpeg, a real MP4 that
 * meets the output spec exactly (size, 30 fps, duration, H.264 + AAC), so everything around the
 * model can be developed and tested offline.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { billedSecondsOf, billingFactsOf } from '../../../domain/model-registry.js';
import type { Engine, EngineContext, EngineJob, EngineStep } from '../../../domain/ports.js';
import { ffmpegPath } from '../../media/ffmpeg-paths.js';
import { buildRenderPlan, outputFps, RenderPlanError } from './args.js';
import { abortError, runFfmpeg } from './render.js';

export interface LocalEngineOptions {
  /** Renders this process runs at once. */
  capacity: number;
  /** Threads per render (encoder and filters); fixed so output is byte-identical. Default 2. */
  threads?: number;
}

const description =
  'Local preview engine (ffmpeg): renders a placeholder video from your prompt, images, clips, references and audio ' +
  'that meets the output spec. It is not the Wan2.7 model and generates no AI content.';

/** The TTF drawtext needs: the bundled static ffmpeg has no system fonts to fall back on. */
function resolveFontPath(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSans.ttf');
}

export function createLocalEngine(opts: LocalEngineOptions): Engine {
  const fontPath = resolveFontPath();
  const threads = opts.threads ?? 2;

  async function start(job: EngineJob, ctx: EngineContext): Promise<EngineStep> {
    if (ctx.signal.aborted) throw abortError();
    let plan;
    try {
      plan = buildRenderPlan(job, { fontPath, threads });
    } catch (e) {
      // The worker should never hand over such a job; retrying would not help.
      if (e instanceof RenderPlanError) return { kind: 'failed', error: { code: 'internal', message: e.message, reason: 'missing_input' }, retryable: false };
      throw e;
    }
    const scratch = [...plan.textFiles.map((f) => f.path), plan.partialPath];
    try {
      await Promise.all(plan.textFiles.map((f) => writeFile(f.path, f.contents, 'utf8')));
      const outcome = await runFfmpeg({
        ffmpegPath,
        args: plan.args,
        durationSeconds: plan.durationSeconds,
        signal: ctx.signal,
        onProgress: (percent) => ctx.onProgress(percent),
      });
      if (outcome.kind === 'failed') {
        return { kind: 'failed', error: { code: 'internal', message: outcome.message, reason: 'render_failed' }, retryable: true };
      }
      // Only a complete file ever appears at outputPath.
      await rename(plan.partialPath, job.outputPath);
    } finally {
      await Promise.all(scratch.map((p) => rm(p, { force: true })));
    }
    ctx.onProgress(100);
    return {
      kind: 'done',
      output: {
        path: job.outputPath,
        width: plan.width,
        height: plan.height,
        durationSeconds: plan.durationSeconds,
        fps: outputFps,
        // The model's rule on the probed lengths: what the real model would bill for these inputs.
        billedSeconds: billedSecondsOf(job.request, billingFactsOf(job.inputs, plan.durationSeconds)),
      },
    };
  }

  return {
    id: 'local',
    description,
    needsLocalInputs: true,
    capacity: opts.capacity,
    start,
    async poll(): Promise<EngineStep> {
      return {
        kind: 'failed',
        error: { code: 'internal', message: 'The local engine finishes inside start(); it has nothing to poll', reason: 'not_pollable' },
        retryable: false,
      };
    },
    // The worker stops a local render through the abort signal passed to start().
    async cancel() {
      return 'not_cancellable';
    },
  };
}
