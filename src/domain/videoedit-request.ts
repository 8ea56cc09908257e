import { z } from 'zod';
import { invalidField, type AppError } from './errors.js';
import { commonFields, foldCommon, mediaUrl, mixed, negativePromptField, parseWith, promptField, type CommonRequest } from './request-fields.js';
import { mapReferences, referenceRefs, type MediaField, type MediaRef, type ReferenceField } from './request-media.js';
import { unsupportedForModel } from './unsupported-fields.js';

/**
 * wan2.7-videoedit: edits a source video by instruction and/or 0..4 reference images (replace, restyle,
 * relight...). Rules: the family spec, section 2.
 */

export const videoEditModel = 'wan2.7-videoedit';
export type VideoEditMode = 'video_edit';
export type AudioSetting = 'auto' | 'origin';

export const videoEditLimits = {
  maxReferenceImages: 4,
  /** 0 keeps the source's length; otherwise the output is cut to this many seconds from second 0. */
  durationSeconds: { min: 2, max: 10, keepSource: 0 },
  /** The source lasts at most 10 s: the hold counts it as 10. */
  maxSourceSeconds: 10,
} as const;

export const videoEditRequestSchema = z
  .strictObject({
    model: z.literal(videoEditModel),
    prompt: promptField.optional().describe('The edit to make. Omitted: the model applies a default style transfer.'),
    negative_prompt: negativePromptField.optional(),
    video_urls: z
      .array(mediaUrl)
      .min(1)
      .max(16)
      .describe('Required: the source video (MP4/MOV, 2..10 s). Only the first is used, as for continuation.'),
    image_urls: z.array(mediaUrl).min(1).max(videoEditLimits.maxReferenceImages).optional().describe('0..4 reference images (e.g. the clothes to put on).'),
    image_with_roles: z
      .array(z.strictObject({ url: mediaUrl, role: z.literal('reference_image').default('reference_image') }))
      .min(1)
      .max(videoEditLimits.maxReferenceImages)
      .optional()
      .describe('The same reference images in the role form; only `reference_image`. Not together with `image_urls`.'),
    duration: z
      .number()
      .int()
      .min(0)
      .max(videoEditLimits.durationSeconds.max)
      .optional()
      .describe('0 (default): keep the source length; 2..10: cut the output to this many seconds from the start (not longer than the source).'),
    audio_setting: z.enum(['auto', 'origin']).optional().describe('`auto` (default): the model decides the sound; `origin`: keep the source audio.'),
    ...commonFields,
  })
  .describe('wan2.7-videoedit: edit a video by instruction and reference images. `size` omitted: the output follows the source aspect.');

export interface VideoEditRequest extends CommonRequest {
  model: typeof videoEditModel;
  mode: VideoEditMode;
  video: MediaField;
  referenceImages: ReferenceField[];
  /** 0 = the source's length. */
  durationSeconds: number;
  /** Undefined: the output follows the source video's aspect. */
  size?: CommonRequest['size'];
  audioSetting: AudioSetting;
}

/** Validates a wan2.7-videoedit body. Throws AppError (400) naming the field and the rule. */
export function parseVideoEditRequest(body: object, randomSeed: () => number): VideoEditRequest {
  unsupportedForModel(
    body,
    videoEditModel,
    { audio_url: "use audio_setting ('origin' keeps the source audio)", video_with_roles: 'the source video goes in video_urls[0]' },
    ['first_frame', 'last_frame'],
  );
  const r = parseWith(videoEditRequestSchema, body);
  const { sizeGiven, ...common } = foldCommon(r, randomSeed);
  if (r.image_urls && r.image_with_roles) throw mixed('image_with_roles', "Use either 'image_urls' or 'image_with_roles', not both");
  const durationSeconds = r.duration ?? videoEditLimits.durationSeconds.keepSource;
  if (durationSeconds !== 0 && durationSeconds < videoEditLimits.durationSeconds.min) {
    throw invalidField('duration', 'out_of_range', `duration: 0 keeps the source length; otherwise ${videoEditLimits.durationSeconds.min}..${videoEditLimits.durationSeconds.max} s`);
  }
  const referenceImages: ReferenceField[] = r.image_with_roles
    ? r.image_with_roles.map((item, i) => ({ url: item.url, param: `image_with_roles[${i}].url` }))
    : (r.image_urls ?? []).map((url, i) => ({ url, param: `image_urls[${i}]` }));
  return {
    model: videoEditModel,
    mode: 'video_edit',
    ...common,
    video: { url: r.video_urls[0]!, param: 'video_urls[0]' },
    referenceImages,
    durationSeconds,
    ...(sizeGiven !== undefined && { size: sizeGiven }),
    sizeIgnored: false,
    audioSetting: r.audio_setting ?? 'auto',
  };
}

export function videoEditMedia(r: VideoEditRequest): MediaRef[] {
  return [{ place: { slot: 'video' }, role: 'video', ...r.video }, ...referenceRefs(r.referenceImages, 'referenceImages', 'image')];
}

export function mapVideoEditMedia(r: VideoEditRequest, map: (ref: MediaRef) => string): VideoEditRequest {
  return {
    ...r,
    video: { url: map({ place: { slot: 'video' }, role: 'video', ...r.video }), param: r.video.param },
    referenceImages: mapReferences(r.referenceImages, 'referenceImages', 'image', map),
  };
}

/** The output's length: the asked duration, or the source's length when 0. */
export function videoEditOutputSeconds(r: VideoEditRequest, sourceSeconds: number): number {
  return r.durationSeconds === 0 ? sourceSeconds : r.durationSeconds;
}

/** After probing the source: a cut longer than the source cannot be made. */
export function checkVideoEditSource(r: VideoEditRequest, sourceSeconds: number): AppError | null {
  if (r.durationSeconds <= sourceSeconds + 1e-3) return null;
  return invalidField(
    'duration',
    'duration_too_long',
    `duration (${r.durationSeconds} s) must not exceed the source video (${sourceSeconds.toFixed(2)} s); 0 keeps the source length`,
  );
}

/** Hold at create: the longest source (10 s) plus the output (10 s more when it follows the source). */
export function videoEditHoldSeconds(r: VideoEditRequest): number {
  return videoEditLimits.maxSourceSeconds + (r.durationSeconds === 0 ? videoEditLimits.maxSourceSeconds : r.durationSeconds);
}

/** Input seconds plus output seconds (fractional upstream values are rounded up when billed). */
export function videoEditBilledSeconds(sourceSeconds: number, outputSeconds: number): number {
  return sourceSeconds + outputSeconds;
}
