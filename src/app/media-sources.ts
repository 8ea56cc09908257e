import { clipEcho } from '../domain/clip-echo.js';
import { AppError, invalidField } from '../domain/errors.js';
import { fileIdPattern } from '../domain/ids.js';
import { mediaOf } from '../domain/model-registry.js';
import type { EngineMediaUrls, StoredFile } from '../domain/ports.js';
import { putMedia } from '../domain/request-media.js';
import type { Task } from '../domain/task.js';
import type { AppDeps } from './deps.js';

const filePathPattern = /^\/v1\/files\/(file_[0-9A-HJKMNP-TV-Z]{26})(?:\/content)?$/;

/** A media value that names one of our uploaded files: its bare id, or its URL on this server. */
export function ownFileId(deps: Pick<AppDeps, 'baseUrl' | 'publicBaseUrl'>, value: string): string | null {
  if (fileIdPattern.test(value)) return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  const ours = [deps.baseUrl(), deps.publicBaseUrl].filter((b): b is string => !!b).map((b) => new URL(b).origin);
  if (!ours.includes(url.origin)) return null;
  return filePathPattern.exec(url.pathname)?.[1] ?? null;
}

/** The URL of one of our files, as uploads answer it and as media fields accept it (see ownFileId). */
export function ownFileUrl(deps: Pick<AppDeps, 'baseUrl'>, fileId: string): string {
  return `${deps.baseUrl()}/v1/files/${fileId}/content`;
}

/** A file of this key that is still kept; undefined for another key's, unknown and expired ids alike. */
export async function liveOwnFile(deps: Pick<AppDeps, 'files' | 'clock'>, keyId: string, fileId: string): Promise<StoredFile | undefined> {
  const file = await deps.files.getFile(fileId);
  return file && file.keyId === keyId && file.expiresAtMs > deps.clock.nowMs() ? file : undefined;
}

/** Loads an uploaded file the task's key owns; anything else fails the media field it came from. */
export async function ownedFile(deps: Pick<AppDeps, 'files' | 'clock' | 'blobs'>, keyId: string, fileId: string, param: string): Promise<StoredFile> {
  const file = await liveOwnFile(deps, keyId, fileId);
  if (!file || !(await deps.blobs.stat(file.blobKey))) {
    throw invalidField(param, 'file_not_found', `${param}: no such file '${clipEcho(fileId)}' (unknown, another key's, or expired)`);
  }
  return file;
}

export type UpstreamMediaDeps = Pick<AppDeps, 'baseUrl' | 'publicBaseUrl' | 'files' | 'clock' | 'blobs' | 'signer'>;

/**
 * URLs an upstream engine can fetch: public URLs pass through; our own files become signed URLs
 * under PUBLIC_BASE_URL, which must then be set (the upstream cannot reach localhost).
 */
export async function upstreamMediaUrls(deps: UpstreamMediaDeps, task: Task): Promise<EngineMediaUrls> {
  const urls: EngineMediaUrls = {};
  for (const w of mediaOf(task.request)) {
    const fileId = ownFileId(deps, w.url);
    if (!fileId) {
      putMedia(urls, w.place, w.url);
      continue;
    }
    if (!deps.publicBaseUrl) {
      throw new AppError('invalid_request', `${w.param} is a file on this server, which the upstream cannot fetch: set PUBLIC_BASE_URL to this server's public address`, {
        param: w.param,
        reason: 'public_base_url_required',
      });
    }
    const file = await ownedFile(deps, task.keyId, fileId, w.param);
    // Long enough for the upstream's queue and retries; the file itself expires with retention.
    putMedia(urls, w.place, deps.signer.signedUrl(file.blobKey, deps.clock.nowMs() + 6 * 3600 * 1000));
  }
  return urls;
}
