import type { z } from 'zod';
import { mediaLimits, roleLimitsOf, type MediaRole } from './media-rules.js';
import { aspectRatios, resolutions, type AspectRatio, type Resolution } from './output-size.js';
import { r2vLimits, r2vModel, r2vRequestSchema } from './r2v-request.js';
import { createRequestSchema, parseCreateRequest, type Mode } from './request.js';
import { videoEditLimits, videoEditModel, videoEditRequestSchema } from './videoedit-request.js';

/**
 * What each model offers, derived from the rules that validate its requests (so a form built from
 * it, like the console's playground, can never drift from the server): modes, fields, limits and
 * defaults. Prices and the engine are the server's configuration, added by the presenter.
 */

export interface ModeInfo {
  id: Mode;
  name: string;
  /** The media this mode takes: required ones first, then optional ones. */
  requires: readonly string[];
  accepts: readonly string[];
}

export interface Range {
  min: number;
  max: number;
}

export type MediaLimit = { maxBytes: number; minSide?: number; maxSide?: number; minSeconds?: number; maxSeconds?: number };

export interface ModelInfo {
  id: string;
  operation: 'video_generation';
  summary: string;
  modes: readonly ModeInfo[];
  /** Every field of the create request. */
  fields: readonly string[];
  resolutions: readonly Resolution[];
  sizes: readonly AspectRatio[];
  /** size null: the output follows the input's aspect unless a size is asked for (videoedit). */
  defaults: { resolution: Resolution; duration: number; size: AspectRatio | null; promptExtend: boolean; watermark: boolean };
  limits: {
    durationSeconds: Range;
    promptChars: number;
    negativePromptChars: number;
    /** The limits each kind of input is probed against (r2v's references have their own lengths). */
    media: Partial<Record<MediaRole, MediaLimit>>;
    /** r2v: with any reference video. */
    durationWithReferenceVideoSeconds?: Range;
    /** r2v: reference images and videos together (a first frame not counted). */
    references?: Range;
    /** videoedit. */
    referenceImages?: Range;
  };
  /** Which seconds are billed, for people. */
  billing: string;
}

const fieldsOf = (schema: z.ZodObject) => Object.keys(schema.shape);
const durationOf = (schema: z.ZodObject): Range => {
  const duration = (schema.shape.duration as z.ZodOptional<z.ZodNumber>).unwrap();
  return { min: duration.minValue ?? 0, max: duration.maxValue ?? 0 };
};

/** The defaults the parser fills in for a bare request of the model, read from the parser itself. */
function defaultsOf(body: object, size: AspectRatio | null): ModelInfo['defaults'] {
  const bare = parseCreateRequest(body, () => 0);
  return { resolution: bare.resolution, duration: bare.durationSeconds, size, promptExtend: bare.promptExtend, watermark: bare.watermark };
}

const text = {
  promptChars: createRequestSchema.shape.prompt.unwrap().maxLength ?? 0,
  negativePromptChars: createRequestSchema.shape.negative_prompt.unwrap().maxLength ?? 0,
};

const wan27: ModelInfo = {
  id: 'wan2.7',
  operation: 'video_generation',
  summary: 'Text-to-video and image-to-video (first frame, first + last frame, continuation, driving audio), chosen by the media given.',
  modes: [
    { id: 't2v', name: 'text-to-video', requires: ['prompt'], accepts: ['audio_url'] },
    { id: 'i2v_first_frame', name: 'first frame', requires: ['first_frame'], accepts: ['audio_url'] },
    { id: 'i2v_first_last', name: 'first + last frame', requires: ['first_frame', 'last_frame'], accepts: ['audio_url'] },
    { id: 'video_continuation', name: 'continuation', requires: ['video_urls'], accepts: ['last_frame'] },
  ],
  fields: fieldsOf(createRequestSchema),
  resolutions,
  sizes: aspectRatios,
  defaults: defaultsOf({ model: 'wan2.7', prompt: 'x' }, '16:9'),
  limits: { ...text, durationSeconds: durationOf(createRequestSchema), media: mediaLimits },
  billing: 'Output seconds.',
};

const r2v: ModelInfo = {
  id: r2vModel,
  operation: 'video_generation',
  summary: 'Reference-to-video: characters, objects or scenes from 1..5 reference images and videos, each with an optional voice, optionally from a first frame.',
  modes: [
    { id: 'r2v', name: 'reference-to-video', requires: ['prompt', 'reference_image or reference_video'], accepts: ['reference_voice'] },
    { id: 'r2v_first_frame', name: 'reference-to-video from a first frame', requires: ['prompt', 'reference_image or reference_video', 'first_frame'], accepts: ['reference_voice'] },
  ],
  fields: fieldsOf(r2vRequestSchema),
  resolutions,
  sizes: aspectRatios,
  defaults: defaultsOf({ model: r2vModel, prompt: 'x', image_urls: ['https://example.com/a.png'] }, '16:9'),
  limits: {
    ...text,
    durationSeconds: durationOf(r2vRequestSchema),
    media: { image: mediaLimits.image, reference_video: roleLimitsOf('reference_video'), reference_voice: roleLimitsOf('reference_voice') },
    durationWithReferenceVideoSeconds: { min: r2vLimits.durationSeconds.min, max: r2vLimits.durationSeconds.maxWithVideo },
    references: { min: 1, max: r2vLimits.maxReferences },
  },
  billing: 'Output seconds plus reference-video seconds, 5 s at most in total (each of n videos counts min(its length, 5/n)); reference images are free.',
};

const videoEdit: ModelInfo = {
  id: videoEditModel,
  operation: 'video_generation',
  summary: 'Video editing: a source video changed by instruction and/or up to 4 reference images, kept at its length or cut.',
  modes: [{ id: 'video_edit', name: 'video edit', requires: ['video_urls'], accepts: ['prompt', 'reference_image', 'audio_setting'] }],
  fields: fieldsOf(videoEditRequestSchema),
  resolutions,
  sizes: aspectRatios,
  defaults: defaultsOf({ model: videoEditModel, video_urls: ['https://example.com/v.mp4'] }, null),
  limits: {
    ...text,
    // 0 (keep the source's length) is the default; a cut is 2..10 s.
    durationSeconds: { min: videoEditLimits.durationSeconds.min, max: videoEditLimits.durationSeconds.max },
    media: { image: mediaLimits.image, video: mediaLimits.video },
    referenceImages: { min: 0, max: videoEditLimits.maxReferenceImages },
  },
  billing: 'Source video seconds plus output seconds, fractions rounded up to the whole second; reference images are free.',
};

/** Every model this server offers. */
export const modelCatalogue: readonly ModelInfo[] = [wan27, r2v, videoEdit];
