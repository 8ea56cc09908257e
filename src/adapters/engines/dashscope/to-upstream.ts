/**
 * Our validated request -> the DashScope (Model Studio) create body for the wan2.7 video models. Pure.
 *
 * Sources (read 2026-06):
 * - text-to-video (wan2.7 protocol): https://www.alibabacloud.com/help/en/model-studio/text-to-video-api-reference
 * - image-to-video (wan2.7 protocol): https://www.alibabacloud.com/help/en/model-studio/image-to-video-general-api-reference
 * - reference-to-video and video editing (wan2.7-r2v, wan2.7-videoedit): the product's family spec section 3
 * - and the product's API contract section 5.
 * Every parameter is sent explicitly (our defaults, not the upstream's), so a change of upstream default
 * never changes what a client gets.
 */
import type { EngineMediaUrls } from '../../../domain/ports.js';
import type { R2vRequest } from '../../../domain/r2v-request.js';
import type { GenerationRequest, UnifiedRequest } from '../../../domain/request.js';
import type { Reference } from '../../../domain/request-media.js';
import type { VideoEditRequest } from '../../../domain/videoedit-request.js';
import { requireMediaUrl } from '../upstream/require-media-url.js';

export const t2vModel = 'wan2.7-t2v';
export const i2vModel = 'wan2.7-i2v';

/**
 * The upstream model id each of our routes uses. Configurable (DASHSCOPE_MODEL_*), so an operator can
 * pin a dated snapshot (wan2.7-t2v-2026-06-12, wan2.7-r2v-2026-06-12 ...).
 */
export interface UpstreamModels {
  t2v: string;
  i2v: string;
  r2v: string;
  videoedit: string;
}

export const defaultUpstreamModels: UpstreamModels = { t2v: t2vModel, i2v: i2vModel, r2v: 'wan2.7-r2v', videoedit: 'wan2.7-videoedit' };

export type UpstreamMediaType = 'first_frame' | 'last_frame' | 'driving_audio' | 'first_clip' | 'reference_image' | 'reference_video' | 'video';

export interface UpstreamMedia {
  type: UpstreamMediaType;
  url: string;
  /** r2v references only. */
  reference_voice?: string;
}

export interface UpstreamParameters {
  resolution: '720P' | '1080P';
  /** Text-to-video, r2v without a first frame, videoedit when a size is asked for. */
  ratio?: string;
  /** videoedit: 0 = the source's length. */
  duration: number;
  /** videoedit only. */
  audio_setting?: 'auto' | 'origin';
  prompt_extend: boolean;
  watermark: boolean;
  seed: number;
}

export interface UpstreamCreateBody {
  model: string;
  input: {
    prompt?: string;
    negative_prompt?: string;
    audio_url?: string;
    media?: UpstreamMedia[];
  };
  parameters: UpstreamParameters;
}

/** Builds the create body; throws MissingMediaUrlError when the mode needs a URL the job lacks. */
export function toUpstreamCreate(request: GenerationRequest, urls: EngineMediaUrls, models: UpstreamModels = defaultUpstreamModels): UpstreamCreateBody {
  if (request.model === 'wan2.7-r2v') return r2vCreate(request, urls, models.r2v);
  if (request.model === 'wan2.7-videoedit') return videoEditCreate(request, urls, models.videoedit);
  return unifiedCreate(request, urls, models);
}

function textOf(request: GenerationRequest): UpstreamCreateBody['input'] {
  return {
    ...(request.prompt !== undefined && request.prompt !== '' && { prompt: request.prompt }),
    ...(request.negativePrompt !== undefined && request.negativePrompt !== '' && { negative_prompt: request.negativePrompt }),
  };
}

/** References of one kind, in the caller's order (it is what "Image n" / "Video n" count), each with its voice. */
function referenceMedia(mode: string, type: 'reference_image' | 'reference_video', refs: Reference<string>[] | undefined, count: number): UpstreamMedia[] {
  return Array.from({ length: count }, (_, i) => {
    const ref = refs?.[i];
    const url = requireMediaUrl(mode, ref?.media, `${type.replace('_', ' ')} ${i + 1}`);
    return { type, url, ...(ref?.voice !== undefined && { reference_voice: ref.voice }) };
  });
}

/** wan2.7-r2v: media [first_frame?, reference_image..., reference_video...]; no ratio with a first frame (it sets the aspect). */
function r2vCreate(r: R2vRequest, urls: EngineMediaUrls, model: string): UpstreamCreateBody {
  const media: UpstreamMedia[] = [
    ...(r.firstFrame ? [{ type: 'first_frame' as const, url: requireMediaUrl(r.mode, urls.firstFrame, 'first frame') }] : []),
    ...referenceMedia(r.mode, 'reference_image', urls.referenceImages, r.referenceImages.length),
    ...referenceMedia(r.mode, 'reference_video', urls.referenceVideos, r.referenceVideos.length),
  ];
  return {
    model,
    input: { ...textOf(r), media },
    parameters: {
      resolution: r.resolution,
      ...(!r.firstFrame && { ratio: r.size }),
      duration: r.durationSeconds,
      prompt_extend: r.promptExtend,
      watermark: r.watermark,
      seed: r.seed,
    },
  };
}

/** wan2.7-videoedit: media [video, reference_image...]; ratio only when asked (else the source's); duration 0 keeps its length. */
function videoEditCreate(r: VideoEditRequest, urls: EngineMediaUrls, model: string): UpstreamCreateBody {
  const media: UpstreamMedia[] = [
    { type: 'video', url: requireMediaUrl(r.mode, urls.video, 'source video') },
    ...referenceMedia(r.mode, 'reference_image', urls.referenceImages, r.referenceImages.length).map(({ type, url }) => ({ type, url })),
  ];
  return {
    model,
    input: { ...textOf(r), media },
    parameters: {
      resolution: r.resolution,
      ...(r.size !== undefined && { ratio: r.size }),
      duration: r.durationSeconds,
      audio_setting: r.audioSetting,
      prompt_extend: r.promptExtend,
      watermark: r.watermark,
      seed: r.seed,
    },
  };
}

function unifiedCreate(request: UnifiedRequest, urls: EngineMediaUrls, models: UpstreamModels): UpstreamCreateBody {
  const base = {
    resolution: request.resolution,
    duration: request.durationSeconds,
    prompt_extend: request.promptExtend,
    watermark: request.watermark,
    seed: request.seed,
  };
  const text = textOf(request);
  if (request.mode === 't2v') {
    return {
      model: models.t2v,
      input: { ...text, ...(urls.audio !== undefined && { audio_url: urls.audio }) },
      parameters: { resolution: base.resolution, ratio: request.size, duration: base.duration, prompt_extend: base.prompt_extend, watermark: base.watermark, seed: base.seed },
    };
  }
  const need = (url: string | undefined, what: string) => requireMediaUrl(request.mode, url, what);
  const media: UpstreamMedia[] = [];
  if (request.mode === 'video_continuation') {
    media.push({ type: 'first_clip', url: need(urls.video, 'continuation video') });
    if (request.lastFrameUrl !== undefined) media.push({ type: 'last_frame', url: need(urls.lastFrame, 'last frame') });
  } else {
    media.push({ type: 'first_frame', url: need(urls.firstFrame, 'first frame') });
    if (request.mode === 'i2v_first_last') media.push({ type: 'last_frame', url: need(urls.lastFrame, 'last frame') });
    if (request.audioUrl !== undefined) media.push({ type: 'driving_audio', url: need(urls.audio, 'driving audio') });
  }
  return { model: models.i2v, input: { ...text, media }, parameters: base };
}
