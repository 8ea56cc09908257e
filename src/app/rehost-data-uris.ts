import { clipEcho } from '../domain/clip-echo.js';
import { invalidField } from '../domain/errors.js';
import { kindOfRole, mediaLimits, type MediaKind } from '../domain/media-rules.js';
import { mapMediaUrls, mediaOf } from '../domain/model-registry.js';
import type { StoredFile } from '../domain/ports.js';
import type { GenerationRequest } from '../domain/request.js';
import type { MediaRef } from '../domain/request-media.js';
import type { AppDeps } from './deps.js';
import { discardFile, tooLarge, uploadFile, type UploadFileDeps } from './upload-file.js';
import { ownFileUrl } from './media-sources.js';

export type RehostDeps = UploadFileDeps & Pick<AppDeps, 'baseUrl'>;

type MediaSlot = 'firstFrame' | 'lastFrame' | 'video' | 'audio';

export function isDataUri(value: string): boolean {
  return value.slice(0, 5).toLowerCase() === 'data:';
}

/**
 * The request field a wan2.7 medium came from, so errors name it exactly ('image_with_roles[1].url'):
 * its validated request keeps only the role. The other models keep the field with each medium.
 */
function unifiedParamOf(body: unknown, slot: MediaSlot): string {
  const b = (body ?? {}) as { image_urls?: unknown; image_with_roles?: unknown };
  if (slot === 'video') return 'video_urls[0]';
  if (slot === 'audio') return 'audio_url';
  if (Array.isArray(b.image_with_roles)) {
    const role = slot === 'firstFrame' ? 'first_frame' : 'last_frame';
    const i = b.image_with_roles.findIndex((r: { role?: string }) => (r?.role ?? 'first_frame') === role);
    if (i >= 0) return `image_with_roles[${i}].url`;
  }
  return slot === 'firstFrame' ? 'image_urls[0]' : 'image_urls[1]';
}

function paramOf(request: GenerationRequest, body: unknown, ref: MediaRef): string {
  return request.model === 'wan2.7' && !('index' in ref.place) ? unifiedParamOf(body, ref.place.slot) : ref.param;
}

/** A medium's identity in the request: its slot, and for references their index and voice. */
const placeKey = (ref: MediaRef) => JSON.stringify(ref.place);

const base64Pattern = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Decodes `data:<type>[;params];base64,<data>`, refusing anything malformed or over the kind's limit. */
export function decodeDataUri(value: string, kind: MediaKind, param: string): { declaredType: string; bytes: Buffer } {
  const comma = value.indexOf(',');
  const bad = (why: string) => invalidField(param, 'invalid_data_uri', `${param}: not a valid data: URI (${why})`);
  if (comma < 0) throw bad("no ',' before the data");
  const [declaredType = '', ...params] = value.slice(5, comma).split(';');
  if (params[params.length - 1]?.trim().toLowerCase() !== 'base64') throw bad('only base64 data: URIs are accepted');
  if (declaredType.trim() && !/^[\w.+-]+\/[\w.+-]+$/.test(declaredType.trim())) throw bad(`media type '${clipEcho(declaredType)}'`);
  const data = value.slice(comma + 1).replace(/\s+/g, '');
  if (!base64Pattern.test(data) || data.replace(/=+$/, '').length % 4 === 1) throw bad('bad base64');
  const maxBytes = mediaLimits[kind].maxBytes;
  // Refuse by the encoded length before decoding anything large.
  if (Math.floor((data.replace(/=+$/, '').length * 3) / 4) > maxBytes) throw tooLarge(param, kind, maxBytes);
  return { declaredType: declaredType.trim(), bytes: Buffer.from(data, 'base64') };
}

/**
 * Media given inline as data: URIs are stored as files of the key (sniffed and size-checked like
 * uploads) and replaced in the request by the file's URL, so tasks stay small. Returns the request
 * unchanged when it has no data: URI.
 */
export async function rehostDataUris(deps: RehostDeps, keyId: string, request: GenerationRequest, body: unknown): Promise<{ request: GenerationRequest; files: StoredFile[] }> {
  const wanted = mediaOf(request).filter((ref) => isDataUri(ref.url));
  if (wanted.length === 0) return { request, files: [] };
  // Decode everything first, so one bad field stores nothing.
  const decoded = wanted.map((ref) => {
    const param = paramOf(request, body, ref);
    const kind = kindOfRole(ref.role);
    return { ref, kind, param, ...decodeDataUri(ref.url, kind, param) };
  });
  const urls = new Map<string, string>();
  const stored: StoredFile[] = [];
  try {
    for (const d of decoded) {
      const file = await uploadFile(deps, { keyId, source: [d.bytes], declaredType: d.declaredType, kinds: [d.kind], param: d.param });
      stored.push(file);
      urls.set(placeKey(d.ref), ownFileUrl(deps, file.id));
    }
  } catch (e) {
    // A later field was refused: the files already stored for this request are of no use.
    await discardFiles(deps, stored);
    throw e;
  }
  return { request: mapMediaUrls(request, (ref) => urls.get(placeKey(ref)) ?? ref.url), files: stored };
}

/** The files of a create that stored no task (refused, or a repeat of an earlier one). */
export async function discardFiles(deps: Pick<AppDeps, 'blobs' | 'files'>, files: readonly StoredFile[]): Promise<void> {
  for (const file of files) await discardFile(deps, file);
}
