import { invalidField, type AppError, type ReasonOf } from './errors.js';

export type MediaKind = 'image' | 'video' | 'audio';

/**
 * What a medium is for, which decides its limits: a kind alone (first/last frames, continuation and
 * videoedit source clips, driving audio), or a reference of wan2.7-r2v, whose lengths differ.
 */
export type MediaRole = MediaKind | 'reference_video' | 'reference_voice';

/** What ffprobe told us about a fetched file. */
export interface ProbedMedia {
  formatName: string;
  bytes: number;
  width?: number;
  height?: number;
  durationSeconds?: number;
  hasVideo: boolean;
  hasAudio: boolean;
  videoCodec?: string;
  /** The only picture is cover art (an attached picture), as in an M4A or MP3 with artwork: not a video. */
  coverArtOnly?: boolean;
}

export const mediaLimits = {
  image: { maxBytes: 20 * 1024 * 1024, minSide: 240, maxSide: 8000 },
  video: { maxBytes: 100 * 1024 * 1024, minSide: 240, maxSide: 4096, minSeconds: 2, maxSeconds: 10 },
  audio: { maxBytes: 15 * 1024 * 1024, minSeconds: 2, maxSeconds: 30 },
} as const;

/** r2v references: a reference video lasts 1..30 s, a reference voice 1..10 s (other limits as their kind). */
const roleLimits: Record<MediaRole, { kind: MediaKind; minSeconds?: number; maxSeconds?: number }> = {
  image: { kind: 'image' },
  video: { kind: 'video' },
  audio: { kind: 'audio' },
  reference_video: { kind: 'video', minSeconds: 1, maxSeconds: 30 },
  reference_voice: { kind: 'audio', minSeconds: 1, maxSeconds: 10 },
};

export function kindOfRole(role: MediaRole): MediaKind {
  return roleLimits[role].kind;
}

/** A role's limits: its kind's, with the role's own lengths. */
export function roleLimitsOf(role: MediaRole): { maxBytes: number; minSide?: number; maxSide?: number; minSeconds?: number; maxSeconds?: number } {
  const { kind, ...lengths } = roleLimits[role];
  return { ...mediaLimits[kind], ...lengths };
}

const maxAspect = 8;

const imageFormats = ['image2', 'png_pipe', 'jpeg_pipe', 'bmp_pipe', 'webp_pipe', 'mjpeg'];
const imageCodecs = ['png', 'mjpeg', 'bmp', 'webp'];

/** Returns null when the probed medium meets the spec's constraints table, else the 400 to fail with. */
export function checkMedia(role: MediaRole, param: string, m: ProbedMedia): AppError | null {
  const kind = kindOfRole(role);
  const fail = (reason: ReasonOf<'invalid_request'>, message: string) => invalidField(param, reason, `${param}: ${message}`);
  const limits = mediaLimits[kind];
  if (m.bytes > limits.maxBytes) return fail('media_too_large', `file is ${m.bytes} bytes; the limit is ${limits.maxBytes}`);

  if (kind === 'image') {
    if (!m.hasVideo || !imageCodecs.includes(m.videoCodec ?? '') || !imageFormats.some((f) => m.formatName.includes(f))) {
      return fail('unsupported_format', `not a JPEG, PNG, BMP or WEBP image (${m.formatName}/${m.videoCodec ?? 'none'})`);
    }
  }
  if (kind === 'video') {
    if (!m.hasVideo || m.coverArtOnly || !/mov|mp4/.test(m.formatName)) return fail('unsupported_format', `not an MP4 or MOV video (${m.formatName})`);
  }
  if (kind === 'audio') {
    const onlyCoverArt = !m.hasVideo || m.coverArtOnly || m.videoCodec === 'mjpeg' || m.videoCodec === 'png';
    if (!m.hasAudio || !onlyCoverArt || !/^(wav|mp3)$/.test(m.formatName)) {
      return fail('unsupported_format', `not a WAV or MP3 audio file (${m.formatName})`);
    }
  }
  if (kind === 'image' || kind === 'video') {
    const { minSide, maxSide } = mediaLimits[kind];
    const w = m.width ?? 0;
    const h = m.height ?? 0;
    if (w < minSide || h < minSide || w > maxSide || h > maxSide) {
      return fail('bad_dimensions', `${w}x${h}: each side must be ${minSide}..${maxSide} px`);
    }
    if (w / h > maxAspect || h / w > maxAspect) return fail('bad_aspect_ratio', `${w}x${h}: aspect must be within 1:8..8:1`);
  }
  if (kind === 'video' || kind === 'audio') {
    const minSeconds = roleLimits[role].minSeconds ?? mediaLimits[kind].minSeconds;
    const maxSeconds = roleLimits[role].maxSeconds ?? mediaLimits[kind].maxSeconds;
    const d = m.durationSeconds ?? 0;
    if (d < minSeconds || d > maxSeconds) return fail('bad_duration', `lasts ${d.toFixed(2)} s; must be ${minSeconds}..${maxSeconds} s`);
  }
  return null;
}
