import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { invalidField, isAppErrorOf } from '../domain/errors.js';
import { checkMedia, kindOfRole, mediaLimits } from '../domain/media-rules.js';
import { checkProbedMedia, mediaOf } from '../domain/model-registry.js';
import type { EngineInputs, LocalMedia } from '../domain/ports.js';
import { putMedia, type MediaPlace } from '../domain/request-media.js';
import type { Task } from '../domain/task.js';
import type { AppDeps } from './deps.js';
import { ownFileId, ownedFile } from './media-sources.js';

/** The input file's name in the run's folder: the slot, and for references their index (and voice). */
function fileNameOf(place: MediaPlace): string {
  return 'index' in place ? `${place.slot}-${place.index}${place.voice ? '-voice' : ''}` : place.slot;
}

export type PrepareInputsDeps = Pick<AppDeps, 'baseUrl' | 'publicBaseUrl' | 'files' | 'clock' | 'blobs' | 'fetcher' | 'prober'>;

/** Copies one of our stored files to local scratch (engines read local files; storage may be remote). */
async function copyStoredFile(deps: Pick<AppDeps, 'blobs'>, blobKey: string, destPath: string, param: string, signal: AbortSignal): Promise<void> {
  const source = await deps.blobs.open(blobKey);
  if (!source) throw invalidField(param, 'file_not_found', `${param}: the file is no longer kept`);
  await pipeline(source, createWriteStream(destPath), { signal });
}

/**
 * Fetches every referenced medium (a URL, or one of our uploaded files) into the run's scratch
 * folder, probes it and checks it against the constraints table. Throws AppError (invalid_request)
 * for a medium the task must fail on.
 */
export async function prepareInputs(deps: PrepareInputsDeps, task: Task, scratchDir: string, signal: AbortSignal): Promise<EngineInputs> {
  const inputs: EngineInputs = {};
  // In parallel: a first+last+audio task waits for its slowest input, not for the sum.
  await Promise.all(
    mediaOf(task.request).map(async (w) => {
      const fileId = ownFileId(deps, w.url);
      const path = join(scratchDir, fileNameOf(w.place));
      if (fileId) await copyStoredFile(deps, (await ownedFile(deps, task.keyId, fileId, w.param)).blobKey, path, w.param, signal);
      else await deps.fetcher.fetchTo(w.url, path, { maxBytes: mediaLimits[kindOfRole(w.role)].maxBytes, param: w.param, signal });
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
