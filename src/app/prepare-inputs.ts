import { invalidField, isAppErrorOf } from '../domain/errors.js';
import { checkMedia, mediaLimits } from '../domain/media-rules.js';
import type { EngineInputs, LocalMedia } from '../domain/ports.js';
import type { Task } from '../domain/task.js';
import type { AppDeps } from './deps.js';
import { ownFileId, ownedFile, wantedMedia } from './media-sources.js';

export type PrepareInputsDeps = Pick<AppDeps, 'baseUrl' | 'publicBaseUrl' | 'files' | 'clock' | 'blobs' | 'fetcher' | 'prober'>;

/**
 * Fetches every referenced medium to the task's input folder (or uses the uploaded file in place),
 * probes it and checks it against the constraints table. Throws AppError (invalid_request) for a
 * medium the task must fail on.
 */
export async function prepareInputs(deps: PrepareInputsDeps, task: Task, signal: AbortSignal): Promise<EngineInputs> {
  const inputs: EngineInputs = {};
  // In parallel: a first+last+audio task waits for its slowest input, not for the sum.
  await Promise.all(
    wantedMedia(task).map(async (w) => {
      const fileId = ownFileId(deps, w.url);
      let path: string;
      if (fileId) {
        path = await deps.blobs.pathFor((await ownedFile(deps, task.keyId, fileId, w.param)).blobKey);
      } else {
        path = await deps.blobs.pathFor(`inputs/${task.id}/${w.slot}`);
        await deps.fetcher.fetchTo(w.url, path, { maxBytes: mediaLimits[w.kind].maxBytes, param: w.param, signal });
      }
      let probe;
      try {
        probe = await deps.prober.probe(path);
      } catch (e) {
        // A server fault (ffprobe cannot start) stays one: the task is retried, not failed as bad input.
        if (isAppErrorOf(e, 'invalid_request')) throw invalidField(w.param, e.reason, `${w.param}: ${e.message}`);
        throw e;
      }
      const problem = checkMedia(w.kind, w.param, probe);
      if (problem) throw problem;
      inputs[w.slot] = { path, probe } satisfies LocalMedia;
    }),
  );
  const clip = inputs.video?.probe.durationSeconds;
  if (clip !== undefined && task.request.durationSeconds <= clip) {
    throw invalidField(
      'duration',
      'duration_too_short',
      `duration (${task.request.durationSeconds} s) is the total length and must exceed the input clip (${clip.toFixed(2)} s)`,
    );
  }
  return inputs;
}
