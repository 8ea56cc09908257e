import { z } from 'zod';
import { invalidField } from './errors.js';
import { referenceVideoSeconds } from './pricing.js';
import { commonFields, foldCommon, mediaUrl, mixed, negativePromptField, parseWith, promptField, type CommonRequest } from './request-fields.js';
import { mapReferences, referenceRefs, type MediaField, type MediaRef, type ReferenceField } from './request-media.js';
import { unsupportedForModel } from './unsupported-fields.js';

/**
 * wan2.7-r2v, reference-to-video: characters, objects or scenes from 1..5 reference images and videos
 * (each with an optional voice), optionally starting on a first frame. Rules: the family spec, section 1.
 */

export const r2vModel = 'wan2.7-r2v';
export type R2vMode = 'r2v' | 'r2v_first_frame';

export const r2vLimits = {
  maxReferences: 5,
  durationSeconds: { min: 2, max: 15, maxWithVideo: 10, default: 5 },
  /** Hold: the reference-video part is at most this many seconds. */
  referenceVideoCapSeconds: 5,
} as const;

const voice = mediaUrl.describe('A WAV or MP3 voice for this reference, 1..10 s.');

export const r2vRequestSchema = z
  .strictObject({
    model: z.literal(r2vModel),
    prompt: promptField.describe('Required. Name the references "Image 1", "Image 2"… and "Video 1", "Video 2"…, counted per kind in the order given (the first frame is not counted).'),
    negative_prompt: negativePromptField.optional(),
    image_with_roles: z
      .array(
        z.strictObject({
          url: mediaUrl,
          role: z.enum(['reference_image', 'first_frame']).default('reference_image'),
          reference_voice: voice.optional().describe('Only on `reference_image` items.'),
        }),
      )
      .min(1)
      .max(r2vLimits.maxReferences + 1)
      .optional()
      .describe('Reference images (role `reference_image`, the default) and at most one `first_frame`. Not together with `image_urls`.'),
    image_urls: z.array(mediaUrl).min(1).max(r2vLimits.maxReferences).optional().describe('Plain reference images. Not together with `image_with_roles`.'),
    video_urls: z.array(mediaUrl).min(1).max(r2vLimits.maxReferences).optional().describe('Reference videos (MP4/MOV, 1..30 s); their own sound is their voice.'),
    video_with_roles: z
      .array(z.strictObject({ url: mediaUrl, reference_voice: voice.optional() }))
      .min(1)
      .max(r2vLimits.maxReferences)
      .optional()
      .describe('Reference videos with a voice each. Not together with `video_urls`.'),
    duration: z.number().int().min(r2vLimits.durationSeconds.min).max(r2vLimits.durationSeconds.max).optional().describe('Seconds, 2..15 (2..10 with any reference video). Default 5.'),
    ...commonFields,
  })
  .describe('wan2.7-r2v: reference-to-video. 1..5 references (images and videos together), at least one of them not a first frame.');

/** A validated r2v request: references in the caller's order within each kind. */
export interface R2vRequest extends CommonRequest {
  model: typeof r2vModel;
  mode: R2vMode;
  prompt: string;
  referenceImages: ReferenceField[];
  referenceVideos: ReferenceField[];
  firstFrame?: MediaField;
  /** As asked (16:9 by default); ignored, and said so, when a first frame is given. */
  size: NonNullable<CommonRequest['size']>;
}

type ImageItem = NonNullable<z.output<typeof r2vRequestSchema>['image_with_roles']>[number];

function sortImages(items: readonly ImageItem[]): { references: ReferenceField[]; firstFrame?: MediaField } {
  const references: ReferenceField[] = [];
  let firstFrame: MediaField | undefined;
  for (const [i, item] of items.entries()) {
    const at = `image_with_roles[${i}]`;
    if (item.role === 'reference_image') {
      references.push({ url: item.url, param: `${at}.url`, ...(item.reference_voice !== undefined && { voice: { url: item.reference_voice, param: `${at}.reference_voice` } }) });
      continue;
    }
    if (firstFrame) throw invalidField(`${at}.role`, 'duplicate_role', "Role 'first_frame' is given more than once");
    if (item.reference_voice !== undefined) {
      throw invalidField(`${at}.reference_voice`, 'voice_not_allowed', 'A first frame cannot have a reference_voice; only reference images and videos can');
    }
    firstFrame = { url: item.url, param: `${at}.url` };
  }
  return { references, ...(firstFrame && { firstFrame }) };
}

/** Validates a wan2.7-r2v body. Throws AppError (400) naming the field and the rule. */
export function parseR2vRequest(body: object, randomSeed: () => number): R2vRequest {
  unsupportedForModel(body, r2vModel, { audio_url: 'reference voices go in image_with_roles[].reference_voice' }, ['last_frame']);
  const r = parseWith(r2vRequestSchema, body);
  const { sizeGiven, ...common } = foldCommon(r, randomSeed);
  if (r.image_urls && r.image_with_roles) throw mixed('image_with_roles', "Use either 'image_urls' or 'image_with_roles', not both");
  if (r.video_urls && r.video_with_roles) throw mixed('video_with_roles', "Use either 'video_urls' or 'video_with_roles', not both");
  if (!r.prompt.trim()) throw invalidField('prompt', 'required', "'prompt' is required for wan2.7-r2v: it says what the references do");

  const images: { references: ReferenceField[]; firstFrame?: MediaField } = r.image_with_roles
    ? sortImages(r.image_with_roles)
    : { references: (r.image_urls ?? []).map((url, i) => ({ url, param: `image_urls[${i}]` })) };
  const referenceVideos: ReferenceField[] = r.video_with_roles
    ? r.video_with_roles.map((v, i) => ({
        url: v.url,
        param: `video_with_roles[${i}].url`,
        ...(v.reference_voice !== undefined && { voice: { url: v.reference_voice, param: `video_with_roles[${i}].reference_voice` } }),
      }))
    : (r.video_urls ?? []).map((url, i) => ({ url, param: `video_urls[${i}]` }));

  const count = images.references.length + referenceVideos.length;
  if (count === 0) {
    throw invalidField('image_with_roles', 'reference_required', 'wan2.7-r2v needs at least one reference image or video (a first frame alone is not enough)');
  }
  if (count > r2vLimits.maxReferences) {
    const field = referenceVideos.length > 0 ? (r.video_with_roles ? 'video_with_roles' : 'video_urls') : r.image_with_roles ? 'image_with_roles' : 'image_urls';
    throw invalidField(field, 'too_many_references', `wan2.7-r2v takes at most ${r2vLimits.maxReferences} references (images and videos together); ${count} were given`);
  }
  const durationSeconds = r.duration ?? r2vLimits.durationSeconds.default;
  if (referenceVideos.length > 0 && durationSeconds > r2vLimits.durationSeconds.maxWithVideo) {
    throw invalidField('duration', 'out_of_range', `duration: must be ${r2vLimits.durationSeconds.min}..${r2vLimits.durationSeconds.maxWithVideo} s when a reference video is given`);
  }
  return {
    model: r2vModel,
    mode: images.firstFrame ? 'r2v_first_frame' : 'r2v',
    ...common,
    prompt: r.prompt,
    referenceImages: images.references,
    referenceVideos,
    ...(images.firstFrame && { firstFrame: images.firstFrame }),
    durationSeconds,
    size: sizeGiven ?? '16:9',
    sizeIgnored: images.firstFrame !== undefined && sizeGiven !== undefined,
  };
}

export function r2vMedia(r: R2vRequest): MediaRef[] {
  return [
    ...(r.firstFrame ? [{ place: { slot: 'firstFrame' as const }, role: 'image' as const, ...r.firstFrame }] : []),
    ...referenceRefs(r.referenceImages, 'referenceImages', 'image'),
    ...referenceRefs(r.referenceVideos, 'referenceVideos', 'reference_video'),
  ];
}

export function mapR2vMedia(r: R2vRequest, map: (ref: MediaRef) => string): R2vRequest {
  return {
    ...r,
    ...(r.firstFrame && { firstFrame: { url: map({ place: { slot: 'firstFrame' }, role: 'image', ...r.firstFrame }), param: r.firstFrame.param } }),
    referenceImages: mapReferences(r.referenceImages, 'referenceImages', 'image', map),
    referenceVideos: mapReferences(r.referenceVideos, 'referenceVideos', 'reference_video', map),
  };
}

/** Hold at create: the output plus the whole 5 s reference-video cap when any reference video is given. */
export function r2vHoldSeconds(r: R2vRequest): number {
  return r.durationSeconds + (r.referenceVideos.length > 0 ? r2vLimits.referenceVideoCapSeconds : 0);
}

/** Output seconds plus each reference video's min(length, 5/n); images are free. */
export function r2vBilledSeconds(outputSeconds: number, referenceVideoLengthsSeconds: readonly number[]): number {
  return outputSeconds + referenceVideoSeconds(referenceVideoLengthsSeconds);
}
