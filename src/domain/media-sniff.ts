import type { MediaKind } from './media-rules.js';

export type MediaFormat = 'jpeg' | 'png' | 'bmp' | 'webp' | 'gif' | 'mp4' | 'wav' | 'mp3';

/** The formats the models take in media fields (the spec's constraints table), by kind. */
export const generationFormats: Record<MediaKind, readonly MediaFormat[]> = {
  image: ['jpeg', 'png', 'bmp', 'webp'],
  video: ['mp4'],
  audio: ['wav', 'mp3'],
};

/** What the seed platform's image upload (POST /v1/uploads/images) takes: its JPEG, PNG, GIF and WebP, and our BMP. */
export const imageUploadFormats: readonly MediaFormat[] = ['jpeg', 'png', 'gif', 'webp', 'bmp'];

/** What the first bytes of a file say it is. */
export interface SniffedMedia {
  kind: MediaKind;
  /** One of the formats of the spec's constraints table, or GIF (accepted by the image upload only). */
  format: MediaFormat;
  /** The content type we record and serve (from the bytes, never from the client's claim). */
  contentType: string;
}

/** How many leading bytes sniffMedia needs to decide (fewer only when the file is shorter). */
export const sniffHeadBytes = 32;

const ascii = (b: Uint8Array, at: number, text: string) => {
  if (b.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false;
  return true;
};

/** ISO BMFF brands that are audio-only or still images (HEIF/AVIF), not MP4/MOV video. */
const nonVideoBrands = new Set(['M4A ', 'M4B ', 'M4P ', 'heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1', 'avif', 'avis', 'crx ']);

/** BITMAPINFOHEADER and its variants: the DIB header size right after the 14-byte file header. */
const bmpDibSizes = new Set([12, 40, 52, 56, 64, 108, 124]);

function isMp3FrameSync(b: Uint8Array): boolean {
  if (b.length < 3 || b[0] !== 0xff) return false;
  const b1 = b[1]!;
  const b2 = b[2]!;
  // 11 sync bits; version not reserved; layer not reserved (layer 0 is AAC ADTS); valid bitrate and rate.
  return (b1 & 0xe0) === 0xe0 && ((b1 >> 3) & 3) !== 1 && ((b1 >> 1) & 3) !== 0 && b2 >> 4 !== 15 && ((b2 >> 2) & 3) !== 3;
}

/** Identifies a medium by its magic bytes; null when it is none of the formats we accept. */
export function sniffMedia(head: Uint8Array): SniffedMedia | null {
  const b = head;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { kind: 'image', format: 'jpeg', contentType: 'image/jpeg' };
  if (b.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => b[i] === v)) {
    return { kind: 'image', format: 'png', contentType: 'image/png' };
  }
  if (ascii(b, 0, 'BM') && b.length >= 18 && bmpDibSizes.has(b[14]! | (b[15]! << 8) | (b[16]! << 16) | (b[17]! << 24))) {
    return { kind: 'image', format: 'bmp', contentType: 'image/bmp' };
  }
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')) return { kind: 'image', format: 'gif', contentType: 'image/gif' };
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return { kind: 'image', format: 'webp', contentType: 'image/webp' };
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WAVE')) return { kind: 'audio', format: 'wav', contentType: 'audio/wav' };
  if (ascii(b, 4, 'ftyp') && b.length >= 12) {
    const brand = String.fromCharCode(...b.subarray(8, 12));
    if (nonVideoBrands.has(brand)) return null;
    return { kind: 'video', format: 'mp4', contentType: brand === 'qt  ' ? 'video/quicktime' : 'video/mp4' };
  }
  if (ascii(b, 0, 'ID3') || isMp3FrameSync(b)) return { kind: 'audio', format: 'mp3', contentType: 'audio/mpeg' };
  return null;
}

/** Every name clients use for each format (MP4 and MOV are one ISO BMFF family). */
const aliases: Record<SniffedMedia['format'], readonly string[]> = {
  jpeg: ['image/jpeg', 'image/jpg', 'image/pjpeg'],
  png: ['image/png', 'image/x-png'],
  bmp: ['image/bmp', 'image/x-bmp', 'image/x-ms-bmp'],
  webp: ['image/webp'],
  gif: ['image/gif'],
  mp4: ['video/mp4', 'video/quicktime', 'video/x-m4v', 'video/mov', 'application/mp4'],
  wav: ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave'],
  mp3: ['audio/mpeg', 'audio/mp3', 'audio/mpeg3', 'audio/x-mpeg', 'audio/x-mp3'],
};

/** Types that claim nothing (the client did not know): the bytes decide. */
const unspecified = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/unknown']);

/** The bare, lower-case media type of a Content-Type value ('' when none). */
export function bareContentType(value: string | undefined): string {
  return (value ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Whether a client's declared type agrees with the sniffed bytes (an unspecified type always does). */
export function declaredTypeMatches(declared: string | undefined, sniffed: SniffedMedia): boolean {
  const bare = bareContentType(declared);
  return unspecified.has(bare) || aliases[sniffed.format].includes(bare);
}

const formatNames: Record<MediaFormat, string> = { jpeg: 'JPEG', png: 'PNG', bmp: 'BMP', webp: 'WEBP', gif: 'GIF', mp4: 'MP4 or MOV', wav: 'WAV', mp3: 'MP3' };

/** 'JPEG, PNG, BMP or WEBP': the formats for a message. */
export function formatsText(formats: readonly MediaFormat[]): string {
  const names = formats.map((f) => formatNames[f]);
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}
