/**
 * Our validated request -> the DashScope (Model Studio) create body for the wan2.7 video models. Pure.
 *
 * Sources (read 2026-06):
 * - text-to-video (wan2.7 protocol): https://www.alibabacloud.com/help/en/model-studio/text-to-video-api-reference
 * - image-to-video (wan2.7 protocol): https://www.alibabacloud.com/help/en/model-studio/image-to-video-general-api-reference
 * - and the product's API contract section 5.
 * Every parameter is sent explicitly (our defaults, not the upstream's), so a change of upstream default
 * never changes what a client gets.
 */
import type { EngineMediaUrls } from '../../../domain/ports.js';
import type { GenerationRequest } from '../../../domain/request.js';
import { requireMediaUrl } from '../upstream/require-media-url.js';

export const t2vModel = 'wan2.7-t2v';
export const i2vModel = 'wan2.7-i2v';

export type UpstreamMediaType = 'first_frame' | 'last_frame' | 'driving_audio' | 'first_clip';

export interface UpstreamParameters {
  resolution: '720P' | '1080P';
  /** Text-to-video only. */
  ratio?: string;
  duration: number;
  prompt_extend: boolean;
  watermark: boolean;
  seed: number;
}

export interface UpstreamCreateBody {
  model: typeof t2vModel | typeof i2vModel;
  input: {
    prompt?: string;
    negative_prompt?: string;
    audio_url?: string;
    media?: { type: UpstreamMediaType; url: string }[];
  };
  parameters: UpstreamParameters;
}

/** Builds the create body; throws MissingMediaUrlError when the mode needs a URL the job lacks. */
export function toUpstreamCreate(request: GenerationRequest, urls: EngineMediaUrls): UpstreamCreateBody {
  const base = {
    resolution: request.resolution,
    duration: request.durationSeconds,
    prompt_extend: request.promptExtend,
    watermark: request.watermark,
    seed: request.seed,
  };
  const text = {
    ...(request.prompt !== undefined && request.prompt !== '' && { prompt: request.prompt }),
    ...(request.negativePrompt !== undefined && request.negativePrompt !== '' && { negative_prompt: request.negativePrompt }),
  };
  if (request.mode === 't2v') {
    return {
      model: t2vModel,
      input: { ...text, ...(urls.audio !== undefined && { audio_url: urls.audio }) },
      parameters: { resolution: base.resolution, ratio: request.size, duration: base.duration, prompt_extend: base.prompt_extend, watermark: base.watermark, seed: base.seed },
    };
  }
  const need = (url: string | undefined, what: string) => requireMediaUrl(request.mode, url, what);
  const media: { type: UpstreamMediaType; url: string }[] = [];
  if (request.mode === 'video_continuation') {
    media.push({ type: 'first_clip', url: need(urls.video, 'continuation video') });
    if (request.lastFrameUrl !== undefined) media.push({ type: 'last_frame', url: need(urls.lastFrame, 'last frame') });
  } else {
    media.push({ type: 'first_frame', url: need(urls.firstFrame, 'first frame') });
    if (request.mode === 'i2v_first_last') media.push({ type: 'last_frame', url: need(urls.lastFrame, 'last frame') });
    if (request.audioUrl !== undefined) media.push({ type: 'driving_audio', url: need(urls.audio, 'driving audio') });
  }
  return { model: i2vModel, input: { ...text, media }, parameters: base };
}
