import type { AppDeps } from '../app/deps.js';
import { ownFileUrl } from '../app/media-sources.js';
import type { StoredFile } from '../domain/ports.js';
import type { ImageUploadJson } from './response-schemas.js';

const maxFilenameChars = 255;

/**
 * The client's file name as it may be shown back: the last path segment, without control characters,
 * at most 255 characters; when there is none, the file id with the extension of its sniffed type.
 */
export function uploadFilename(file: StoredFile, given: string | undefined): string {
  const cleaned = [...(given ?? '').split(/[\\/]/).pop()!.replace(/[\p{Cc}\p{Cf}]/gu, '').trim()].slice(0, maxFilenameChars).join('');
  if (cleaned && cleaned !== '.' && cleaned !== '..') return cleaned;
  const subtype = file.contentType.split('/')[1] ?? 'bin';
  return `${file.id}.${subtype === 'jpeg' ? 'jpg' : subtype}`;
}

/** POST /v1/uploads/images: the seed platform's flat answer, plus the file's id, kind and expiry. */
export function presentImageUpload(file: StoredFile, filename: string | undefined, deps: Pick<AppDeps, 'baseUrl'>): ImageUploadJson {
  return {
    url: ownFileUrl(deps, file.id),
    filename: uploadFilename(file, filename),
    content_type: file.contentType,
    bytes: file.bytes,
    created_at: Math.floor(file.createdAtMs / 1000),
    id: file.id,
    object: 'file',
    expires_at: Math.floor(file.expiresAtMs / 1000),
  };
}
