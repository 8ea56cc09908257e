import { clipEcho } from '../domain/clip-echo.js';
import { invalidField } from '../domain/errors.js';
import { mediaLimits, type MediaKind } from '../domain/media-rules.js';
import type { StoredFile } from '../domain/ports.js';
import type { GenerationRequest } from '../domain/request.js';
import type { AppDeps } from './deps.js';
import { discardFile, tooLarge, uploadFile, type UploadFileDeps } from './upload-file.js';
import { ownFileUrl } from './media-sources.js';

export type RehostDeps = UploadFileDeps & Pick<AppDeps, 'baseUrl'>;

type MediaSlot = 'firstFrameUrl' | 'lastFrameUrl' | 'videoUrl' | 'audioUrl';

const slots: { slot: MediaSlot; kind: MediaKind }[] = [
  { slot: 'firstFrameUrl', kind: 'image' },
  { slot: 'lastFrameUrl', kind: 'image' },
  { slot: 'videoUrl', kind: 'video' },
  { slot: 'audioUrl', kind: 'audio' },
];

export function isDataUri(value: string): boolean {
  return value.slice(0, 5).toLowerCase() === 'data:';
}

/** The request field a slot's value came from, so errors name it exactly ('image_with_roles[1].url'). */
function paramOf(body: unknown, slot: MediaSlot): string {
  const b = (body ?? {}) as { image_urls?: unknown; image_with_roles?: unknown };
  if (slot === 'videoUrl') return 'video_urls[0]';
  if (slot === 'audioUrl') return 'audio_url';
  if (Array.isArray(b.image_with_roles)) {
    const role = slot === 'firstFrameUrl' ? 'first_frame' : 'last_frame';
    const i = b.image_with_roles.findIndex((r: { role?: string }) => (r?.role ?? 'first_frame') === role);
    if (i >= 0) return `image_with_roles[${i}].url`;
  }
  return slot === 'firstFrameUrl' ? 'image_urls[0]' : 'image_urls[1]';
}

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
  const wanted = slots.filter(({ slot }) => {
    const value = request[slot];
    return value !== undefined && isDataUri(value);
  });
  if (wanted.length === 0) return { request, files: [] };
  // Decode everything first, so one bad field stores nothing.
  const decoded = wanted.map(({ slot, kind }) => {
    const param = paramOf(body, slot);
    return { slot, kind, param, ...decodeDataUri(request[slot]!, kind, param) };
  });
  const rehosted: GenerationRequest = { ...request };
  const stored: StoredFile[] = [];
  try {
    for (const d of decoded) {
      const file = await uploadFile(deps, { keyId, source: [d.bytes], declaredType: d.declaredType, kinds: [d.kind], param: d.param });
      stored.push(file);
      rehosted[d.slot] = ownFileUrl(deps, file.id);
    }
  } catch (e) {
    // A later field was refused: the files already stored for this request are of no use.
    await discardFiles(deps, stored);
    throw e;
  }
  return { request: rehosted, files: stored };
}

/** The files of a create that stored no task (refused, or a repeat of an earlier one). */
export async function discardFiles(deps: Pick<AppDeps, 'blobs' | 'files'>, files: readonly StoredFile[]): Promise<void> {
  for (const file of files) await discardFile(deps, file);
}
