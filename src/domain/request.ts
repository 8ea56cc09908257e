import { z } from 'zod';
import { clipEcho } from './clip-echo.js';
import { invalidField } from './errors.js';
import type { AspectRatio } from './output-size.js';
import { parseR2vRequest, r2vModel, r2vRequestSchema, type R2vMode, type R2vRequest } from './r2v-request.js';
import { commonFields, foldCommon, mediaUrl, mixed, negativePromptField, parseWith, promptField, type CommonRequest } from './request-fields.js';
import { parseVideoEditRequest, videoEditModel, videoEditRequestSchema, type VideoEditMode, type VideoEditRequest } from './videoedit-request.js';

export { parseOptions, toValidationError } from './request-fields.js';

/**
 * The wan2.7 create request (text-to-video, image-to-video and continuation) as clients send it. The
 * other models of the family have their own (r2v-request.ts, videoedit-request.ts); familyRequestSchema
 * is the body of any of them.
 */
export const createRequestSchema = z.strictObject({
  model: z.literal('wan2.7').describe('The model: `wan2.7` (text-to-video, image-to-video and continuation, chosen by the media given).'),
  prompt: promptField.optional().describe('What the video shows. Required for text-to-video (no image or video given).'),
  negative_prompt: negativePromptField.optional().describe('What the video should not show.'),
  image_urls: z
    .array(mediaUrl)
    .min(1)
    .max(2)
    .optional()
    .describe('1 image: the first frame; 2 images: first and last frame. JPEG, PNG, BMP or WEBP. Not together with `image_with_roles`.'),
  image_with_roles: z
    .array(z.strictObject({ url: mediaUrl, role: z.enum(['first_frame', 'last_frame']).default('first_frame') }))
    .min(1)
    .max(2)
    .optional()
    .describe('Frames with their roles (`first_frame`, the default, or `last_frame`; each at most once). A last frame needs a first frame or a video.'),
  video_urls: z.array(mediaUrl).min(1).max(16).optional().describe('Continuation: the clip to continue (MP4 or MOV, 2..10 s); only the first is used.'),
  audio_url: mediaUrl.optional().describe('Text-to-video: background music; image-to-video: driving audio (WAV or MP3, 2..30 s). Not with a video.'),
  duration: z.number().int().min(2).max(15).optional().describe('Seconds of output (default 5). For a continuation, the total length including the input clip.'),
  ...commonFields,
});

/** The models this server offers on POST /v1/videos/generations. */
export const modelIds = ['wan2.7', r2vModel, videoEditModel] as const;

/** The create body of any model of the family: a union told apart by `model` (one schema per model). */
export const familyRequestSchema = z.discriminatedUnion('model', [createRequestSchema, r2vRequestSchema, videoEditRequestSchema]);

/** A wan2.7 create body as clients send it. */
export type RawCreateRequest = z.input<typeof createRequestSchema>;

export type UnifiedMode = 't2v' | 'i2v_first_frame' | 'i2v_first_last' | 'video_continuation';

/** Every internal mode of the family: wan2.7's four, reference-to-video's two, video editing. */
export type Mode = UnifiedMode | R2vMode | VideoEditMode;

/** A validated create request of any model of the family, told apart by `model`. */
export type GenerationRequest = UnifiedRequest | R2vRequest | VideoEditRequest;

export type ModelId = GenerationRequest['model'];

/** The wan2.7 request after validation: defaults filled, aliases folded, media sorted by role. */
export interface UnifiedRequest extends CommonRequest {
  model: 'wan2.7';
  mode: UnifiedMode;
  firstFrameUrl?: string;
  lastFrameUrl?: string;
  videoUrl?: string;
  audioUrl?: string;
  /** Only meaningful for t2v; kept for i2v so the task can say it was ignored. */
  size: AspectRatio;
}

/** Validates a create body and routes it to its model and mode. Throws AppError (400) on any violation. */
export function parseCreateRequest(body: unknown, randomSeed: () => number): GenerationRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidField('body', 'invalid_type', 'Request body must be a JSON object');
  }
  const model = (body as { model?: unknown }).model;
  if (model === undefined) throw invalidField('model', 'required', `Invalid request: model is required (one of ${modelIds.join(', ')})`);
  switch (model) {
    case 'wan2.7':
      return parseUnifiedRequest(body, randomSeed);
    case r2vModel:
      return parseR2vRequest(body, randomSeed);
    case videoEditModel:
      return parseVideoEditRequest(body, randomSeed);
    default:
      throw invalidField('model', 'invalid_value', `Invalid request: unknown model ${clipEcho(JSON.stringify(model) ?? String(model))}; this server offers ${modelIds.join(', ')}`);
  }
}

/** Validates a wan2.7 body and routes it to a mode. Throws AppError (400) on any violation. */
export function parseUnifiedRequest(body: unknown, randomSeed: () => number): UnifiedRequest {
  const r = parseWith(createRequestSchema, body);
  const { sizeGiven, ...common } = foldCommon(r, randomSeed);
  if (r.image_urls && r.image_with_roles) {
    throw invalidField('image_with_roles', 'mixed_media_not_allowed', "Use either 'image_urls' or 'image_with_roles', not both");
  }

  let first: string | undefined;
  let last: string | undefined;
  if (r.image_urls) {
    first = r.image_urls[0];
    last = r.image_urls[1];
  } else if (r.image_with_roles) {
    for (const [i, img] of r.image_with_roles.entries()) {
      const taken = img.role === 'first_frame' ? first : last;
      if (taken !== undefined) {
        throw invalidField(`image_with_roles[${i}].role`, 'duplicate_role', `Role '${img.role}' is given more than once`);
      }
      if (img.role === 'first_frame') first = img.url;
      else last = img.url;
    }
  }
  const video = r.video_urls?.[0];
  const audio = r.audio_url;
  const mode = routeMode({ first, last, video, audio });
  if (mode === 't2v' && !r.prompt?.trim()) {
    throw invalidField('prompt', 'required', "'prompt' is required for text-to-video (no image or video given)");
  }
  return {
    model: 'wan2.7',
    mode,
    ...common,
    ...(first !== undefined && { firstFrameUrl: first }),
    ...(last !== undefined && { lastFrameUrl: last }),
    ...(video !== undefined && { videoUrl: video }),
    ...(audio !== undefined && { audioUrl: audio }),
    durationSeconds: r.duration ?? 5,
    size: sizeGiven ?? '16:9',
    sizeIgnored: mode !== 't2v' && sizeGiven !== undefined,
  };
}

/**
 * The six valid image-to-video combinations: first; first+audio; first+last; first+last+audio;
 * video; video+last. Anything else that carries an image or video is mixed_media_not_allowed.
 */
export function routeMode(m: { first?: string; last?: string; video?: string; audio?: string }): UnifiedMode {
  if (!m.first && !m.last && !m.video) return 't2v';
  if (m.video) {
    if (m.first) throw mixed('image_urls', 'A continuation video cannot be combined with a first frame');
    if (m.audio) throw mixed('audio_url', 'A continuation video cannot be combined with driving audio');
    return 'video_continuation';
  }
  if (!m.first) throw mixed('image_with_roles', 'A last frame needs a first frame (or a continuation video)');
  return m.last ? 'i2v_first_last' : 'i2v_first_frame';
}
