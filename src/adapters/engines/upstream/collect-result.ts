/**
 * Copies a finished upstream result to the job's output path at once (upstream URLs expire), through the
 * SSRF-guarded fetcher, and checks it is a video. Shared by the upstream engines.
 */
import type { ReasonOf } from '../../../domain/errors.js';
import type { EngineContext, EngineJob, EngineStep, MediaFetcher, MediaProber } from '../../../domain/ports.js';
import { failedStep } from './step-helpers.js';
import type { UpstreamTaskView } from './upstream-task.js';

export interface CollectArgs {
  job: EngineJob;
  ctx: EngineContext;
  fetcher: MediaFetcher;
  prober: MediaProber;
  maxBytes: number;
  view: UpstreamTaskView;
  /** A fresh view (a new signed URL) after a failed download. */
  refresh: () => Promise<UpstreamTaskView>;
}

/** The result is not in hand: the task fails for now, and another attempt may collect it. */
const notCollected = (reason: ReasonOf<'upstream_unavailable'>, message: string): EngineStep => failedStep('upstream_unavailable', reason, message, true);

export async function collectResult(a: CollectArgs): Promise<EngineStep> {
  let view = a.view;
  for (let tries = 0; ; tries++) {
    try {
      if (!view.videoUrl) throw new Error('the finished upstream task has no video URL');
      await a.fetcher.fetchTo(view.videoUrl, a.job.outputPath, { maxBytes: a.maxBytes, param: 'upstream_result', signal: a.ctx.signal });
      break;
    } catch (e) {
      if (a.ctx.signal.aborted) throw e;
      if (tries >= 1) return notCollected('result_download_failed', `The upstream result could not be downloaded: ${(e as Error).message}`);
      // The signed URL may have expired: ask for a fresh one, once.
      try {
        view = await a.refresh();
      } catch (q) {
        return notCollected('result_download_failed', `The upstream result could not be downloaded: ${(e as Error).message}; ${(q as Error).message}`);
      }
    }
  }
  let probe;
  try {
    probe = await a.prober.probe(a.job.outputPath);
  } catch (e) {
    return notCollected('bad_upstream_output', `The upstream result is not a readable video: ${(e as Error).message}`);
  }
  if (!probe.hasVideo || !probe.width || !probe.height) return notCollected('bad_upstream_output', `The upstream result has no video stream (${probe.formatName})`);
  return {
    kind: 'done',
    output: {
      path: a.job.outputPath,
      width: probe.width,
      height: probe.height,
      durationSeconds: probe.durationSeconds ?? a.job.request.durationSeconds,
      fps: 30,
      ...(view.actualPrompt !== undefined && { actualPrompt: view.actualPrompt }),
      ...(view.billedSeconds !== undefined && { billedSeconds: view.billedSeconds }),
    },
  };
}
