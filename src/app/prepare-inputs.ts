import { invalidField, isAppErrorOf } from '../domain/errors.js';
import { checkMedia, kindOfRole, mediaLimits } from '../domain/media-rules.js';
import { checkProbedMedia, mediaOf } from '../domain/model-registry.js';
import type { EngineInputs, LocalMedia } from '../domain/ports.js';
import { putMedia, type MediaPlace } from '../domain/request-media.js';
import type { Task } from '../domain/task.js';
import type { AppDeps } from './deps.js';
import { ownFileId, ownedFile } from './media-sources.js';

/** The input file's name in the task's folder: the slot, and for references their index (and voice). */
function fileNameOf(place: MediaPlace): string {
  return 'index' in place ? `${place.slot}-${place.index}${place.voice ? '-voice' : ''}` : place.slot;
}

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
    mediaOf(task.request).map(async (w) => {
      const fileId = ownFileId(deps, w.url);
      let path: string;
      if (fileId) {
        path = await deps.blobs.pathFor((await ownedFile(deps, task.keyId, fileId, w.param)).blobKey);
      } else {
        path = await deps.blobs.pathFor(`inputs/${task.id}/${fileNameOf(w.place)}`);
        await deps.fetcher.fetchTo(w.url, path, { maxBytes: mediaLimits[kindOfRole(w.role)].maxBytes, param: w.param, signal });
      }
      let probe;
      try {
        probe = await deps.prober.probe(path);
      } catch (e) {
        // A server fault (ffprobe cannot start) stays one: the task is retried, not failed as bad input.
        if (isAppErrorOf(e, 'invalid_request')) throw invalidField(w.param, e.reason, `${w.param}: ${e.message}`);
        throw e;
      }
      const problem = checkMedia(w.role, w.param, probe);
      if (problem) throw problem;
      putMedia(inputs, w.place, { path, probe } satisfies LocalMedia);
    }),
  );
  const problem = checkProbedMedia(task.request, inputs);
  if (problem) throw problem;
  return inputs;
}
