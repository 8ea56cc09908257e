import { AppError } from '../../../src/domain/errors.js';
import { quoteMinor, type PriceTable } from '../../../src/domain/pricing.js';
import { parseCreateRequest, type RawCreateRequest } from '../../../src/domain/request.js';
import { shellQuote } from '../format.js';
import type { Model, Task } from '../types.js';

/**
 * The playground's request: the form's values, the exact JSON body they make, and what the server's
 * own rules (the domain code, bundled here) say about it before anything is sent.
 */

export interface PlaygroundForm {
  prompt: string;
  negativePrompt: string;
  resolution: string;
  duration: string;
  size: string;
  seed: string;
  promptExtend: boolean;
  watermark: boolean;
  callbackUrl: string;
  firstFrame: string;
  lastFrame: string;
  video: string;
  audio: string;
}

export type MediaSlot = 'firstFrame' | 'lastFrame' | 'video' | 'audio';

export function emptyForm(model: Model | undefined): PlaygroundForm {
  return {
    prompt: '',
    negativePrompt: '',
    resolution: model?.default_resolution ?? '1080P',
    duration: String(model?.defaults.duration ?? 5),
    size: model?.defaults.size ?? '16:9',
    seed: '',
    promptExtend: model?.defaults.prompt_extend ?? true,
    watermark: model?.defaults.watermark ?? false,
    callbackUrl: '',
    firstFrame: '',
    lastFrame: '',
    video: '',
    audio: '',
  };
}

/** The form of a task's request, for "run again" (same prompt, media, parameters and seed). */
export function formFromTask(task: Task, model: Model | undefined): PlaygroundForm {
  const images = task.input.image_with_roles ?? [];
  return {
    ...emptyForm(model),
    prompt: task.input.prompt ?? '',
    negativePrompt: task.input.negative_prompt ?? '',
    resolution: task.parameters.resolution,
    duration: String(task.parameters.duration),
    size: task.parameters.size ?? model?.defaults.size ?? '16:9',
    seed: String(task.parameters.seed),
    promptExtend: task.parameters.prompt_extend,
    watermark: task.parameters.watermark,
    firstFrame: images.find((i) => i.role === 'first_frame')?.url ?? '',
    lastFrame: images.find((i) => i.role === 'last_frame')?.url ?? '',
    video: task.input.video_urls?.[0] ?? '',
    audio: task.input.audio_url ?? '',
  };
}

const numberOf = (s: string): number => (s.trim() === '' ? Number.NaN : Number(s));

/** The exact create body the form makes (what "copy as curl" shows and submit sends). */
export function buildBody(f: PlaygroundForm): RawCreateRequest {
  const images = [
    ...(f.firstFrame ? [{ url: f.firstFrame, role: 'first_frame' as const }] : []),
    ...(f.lastFrame ? [{ url: f.lastFrame, role: 'last_frame' as const }] : []),
  ];
  const textOnly = images.length === 0 && !f.video;
  return {
    model: 'wan2.7',
    ...(f.prompt.trim() && { prompt: f.prompt }),
    ...(f.negativePrompt.trim() && { negative_prompt: f.negativePrompt }),
    ...(images.length > 0 && { image_with_roles: images }),
    ...(f.video && { video_urls: [f.video] }),
    ...(f.audio && { audio_url: f.audio }),
    resolution: f.resolution,
    duration: numberOf(f.duration),
    // The aspect ratio applies to text-to-video only; image modes keep the input's aspect.
    ...(textOnly && { size: f.size as NonNullable<RawCreateRequest['size']> }),
    ...(f.seed.trim() !== '' && { seed: numberOf(f.seed) }),
    prompt_extend: f.promptExtend,
    watermark: f.watermark,
    ...(f.callbackUrl.trim() && { callback_url: f.callbackUrl.trim() }),
  };
}

export type Check = { ok: true; mode: string; modeName: string } | { ok: false; message: string; param: string | undefined };

/** The server's validation and mode routing, run here on every keystroke. */
export function checkBody(body: RawCreateRequest, model: Model | undefined): Check {
  try {
    const parsed = parseCreateRequest(body, () => 0);
    const name = model?.modes.find((m) => m.id === parsed.mode)?.name ?? parsed.mode;
    const withAudio = parsed.model === 'wan2.7' && parsed.audioUrl !== undefined && parsed.mode !== 't2v';
    return { ok: true, mode: parsed.mode, modeName: withAudio ? `${name} + audio` : name };
  } catch (e) {
    if (e instanceof AppError) return { ok: false, message: e.message, param: e.param };
    throw e;
  }
}

/** The hold the server will place: price per second of the resolution x seconds, in integer minor units. */
export function quote(model: Model | undefined, resolution: string, durationSeconds: number): number | undefined {
  if (!model || !Number.isInteger(durationSeconds)) return undefined;
  const price = model.pricing.per_second[resolution.toUpperCase()];
  if (!price) return undefined;
  const table: PriceTable = {
    currency: model.pricing.currency,
    minorPerMajor: model.pricing.minor_per_major,
    perSecondMinor: { '720P': model.pricing.per_second['720P']?.amount_minor ?? 0, '1080P': model.pricing.per_second['1080P']?.amount_minor ?? 0 },
  };
  return quoteMinor(table, resolution.toUpperCase() as '720P' | '1080P', durationSeconds);
}

export function curlOf(body: RawCreateRequest, base: string): string {
  return [
    `curl -s ${base}/v1/videos/generations \\`,
    `  -H "Authorization: Bearer $WANGATE_API_KEY" \\`,
    `  -H 'content-type: application/json' \\`,
    `  -d ${shellQuote(JSON.stringify(body))}`,
  ].join('\n');
}
