/**
 * Create-body validation of the simulator for wan2.7-r2v and wan2.7-videoedit (the product's family spec,
 * section 3, from the models' API references): exactly the documented `input.media` and `parameters`,
 * anything else refused the way the service refuses it (InvalidParameter), so a mapping mistake of ours
 * shows. Media are never downloaded: `fake_duration=N` in a URL stands for the probed length. Pure.
 */

export class FamilyReject extends Error {
  constructor(message: string) {
    super(message);
  }
}

const RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4'];
/** The videoedit page's own example measures its source at 5.02 s (usage 10.04 = 5.02 + 5.02). */
export const DEFAULT_SOURCE_SECONDS = 5.02;
/** A reference video or voice without a length hint lasts this long. */
export const DEFAULT_REFERENCE_SECONDS = 3;

/** What the billing of a family task is made of (usage.input_video_duration, output_video_duration, duration). */
export interface FamilyUsage {
  durationSeconds: number;
  inputVideoSeconds: number;
  outputVideoSeconds: number;
  ratio: string | undefined;
}

const invalid = (message: string) => new FamilyReject(message);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const round2 = (n: number) => Math.round(n * 100) / 100;

/** The length a URL stands for: its `fake_duration=N`, else the default. */
export function secondsFromUrl(url: string, fallback: number): number {
  const m = /[?#&]fake_duration=(\d+(?:\.\d+)?)/.exec(url);
  return m ? Number(m[1]) : fallback;
}

function url(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw invalid(`Field required: ${field}`);
  if (!/^(https?:\/\/|oss:\/\/|data:)/i.test(v)) throw invalid(`${field} must be a public http(s) URL, an oss:// URL or a data: URL`);
  return v;
}

interface MediaItem {
  type: string;
  url: string;
  voice?: string;
  field: string;
}

/** input.media as a list of known-shaped items; `types` and whether a voice may appear are the model's. */
function mediaItems(input: Record<string, unknown>, types: readonly string[], voiceOn: readonly string[]): MediaItem[] {
  const media = input.media;
  if (media === undefined || media === null || (Array.isArray(media) && media.length === 0)) throw invalid('Field required: input.media');
  if (!Array.isArray(media)) throw invalid('input.media must be an array');
  return media.map((item, i) => {
    const field = `input.media[${i}]`;
    if (!isObject(item)) throw invalid(`${field} must be an object`);
    const extra = Object.keys(item).find((k) => k !== 'type' && k !== 'url' && k !== 'reference_voice');
    if (extra !== undefined) throw invalid(`${field}.${extra} is not a valid field`);
    if (typeof item.type !== 'string' || !types.includes(item.type)) throw invalid(`${field}.type must be one of ${types.join(', ')}`);
    const out: MediaItem = { type: item.type, url: url(item.url, `${field}.url`), field };
    if (item.reference_voice !== undefined) {
      if (!voiceOn.includes(item.type)) throw invalid(`${field}.reference_voice is only allowed on ${voiceOn.join(' and ') || 'no item'}`);
      out.voice = url(item.reference_voice, `${field}.reference_voice`);
    }
    return out;
  });
}

function prompts(input: Record<string, unknown>, required: boolean): void {
  const p = input.prompt;
  if (p === undefined || p === null) {
    if (required) throw invalid('Field required: input.prompt');
  } else if (typeof p !== 'string' || [...p].length > 5000) throw invalid('input.prompt must be a string of at most 5000 characters');
  else if (required && p.trim() === '') throw invalid('prompt must contain words');
  const n = input.negative_prompt;
  if (n !== undefined && (typeof n !== 'string' || [...n].length > 500)) throw invalid('input.negative_prompt must be a string of at most 500 characters');
  if (input.audio_url !== undefined) throw invalid('input.audio_url is not supported by this model');
  const extra = Object.keys(input).find((k) => !['prompt', 'negative_prompt', 'media', 'audio_url'].includes(k));
  if (extra !== undefined) throw invalid(`input.${extra} is not a valid field`);
}

/** resolution, ratio, prompt_extend, watermark, seed, and nothing the model does not take. */
function parameters(params: Record<string, unknown>, allowed: readonly string[]): { sr: 720 | 1080; ratio: string | undefined } {
  const extra = Object.keys(params).find((k) => !allowed.includes(k));
  if (extra !== undefined) throw invalid(`parameters.${extra} is not supported by this model`);
  const resolution = params.resolution ?? '1080P';
  if (resolution !== '720P' && resolution !== '1080P') throw invalid('parameters.resolution must be "720P" or "1080P"');
  const ratio = params.ratio;
  if (ratio !== undefined && (typeof ratio !== 'string' || !RATIOS.includes(ratio))) throw invalid(`parameters.ratio must be one of ${RATIOS.join(', ')}`);
  for (const k of ['prompt_extend', 'watermark']) if (params[k] !== undefined && typeof params[k] !== 'boolean') throw invalid(`parameters.${k} must be a boolean`);
  const seed = params.seed;
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 2147483647)) throw invalid('parameters.seed must be an integer in [0, 2147483647]');
  return { sr: resolution === '720P' ? 720 : 1080, ratio: ratio as string | undefined };
}

function lengthIn(item: MediaItem, u: string, fallback: number, min: number, max: number, what: string): number {
  const s = secondsFromUrl(u, fallback);
  if (s < min || s > max) throw invalid(`${item.field} (${what}) must last ${min} to ${max} seconds`);
  return s;
}

/**
 * wan2.7-r2v: media of reference_image / reference_video (1..5 together, a voice allowed on each) and at
 * most one first_frame; duration 2..15, 2..10 with a reference video. Billed: output + reference-video
 * seconds, each of n videos counting min(length, 5/n).
 */
export function validateR2v(input: Record<string, unknown>, params: Record<string, unknown>): FamilyUsage & { sr: 720 | 1080 } {
  prompts(input, true);
  const items = mediaItems(input, ['reference_image', 'reference_video', 'first_frame'], ['reference_image', 'reference_video']);
  const refs = items.filter((m) => m.type !== 'first_frame');
  const firstFrames = items.length - refs.length;
  if (firstFrames > 1) throw invalid('input.media has more than one first_frame');
  if (refs.length === 0) throw invalid('input.media needs at least one reference_image or reference_video');
  if (refs.length > 5) throw invalid('input.media takes at most 5 reference_image and reference_video items');
  const videos = refs.filter((m) => m.type === 'reference_video').map((m) => lengthIn(m, m.url, DEFAULT_REFERENCE_SECONDS, 1, 30, 'reference_video'));
  for (const m of refs) if (m.voice !== undefined) lengthIn(m, m.voice, DEFAULT_REFERENCE_SECONDS, 1, 10, 'reference_voice');
  const { sr, ratio } = parameters(params, ['resolution', 'ratio', 'duration', 'prompt_extend', 'watermark', 'seed']);
  const d = params.duration ?? 5;
  const max = videos.length > 0 ? 10 : 15;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 2 || d > max) throw invalid(`parameters.duration must be an integer in [2, ${max}]`);
  const share = 5 / Math.max(1, videos.length);
  const inputVideoSeconds = round2(videos.reduce((sum, s) => sum + Math.min(s, share), 0));
  return { sr, ratio: firstFrames > 0 ? undefined : (ratio ?? '16:9'), durationSeconds: round2(d + inputVideoSeconds), inputVideoSeconds, outputVideoSeconds: d };
}

/**
 * wan2.7-videoedit: media of exactly one video (2..10 s) and 0..4 reference_image; duration 0 (the
 * source's length) or 2..10 within the source; audio_setting auto or origin. Billed: input + output
 * seconds, as measured (fractional).
 */
export function validateVideoEdit(input: Record<string, unknown>, params: Record<string, unknown>): FamilyUsage & { sr: 720 | 1080 } {
  prompts(input, false);
  const items = mediaItems(input, ['video', 'reference_image'], []);
  const videos = items.filter((m) => m.type === 'video');
  if (videos.length !== 1) throw invalid('input.media needs exactly one item of type video');
  if (items.length - 1 > 4) throw invalid('input.media takes at most 4 reference_image items');
  const source = lengthIn(videos[0]!, videos[0]!.url, DEFAULT_SOURCE_SECONDS, 2, 10, 'video');
  const { sr, ratio } = parameters(params, ['resolution', 'ratio', 'duration', 'audio_setting', 'prompt_extend', 'watermark', 'seed']);
  const d = params.duration ?? 0;
  if (typeof d !== 'number' || !Number.isInteger(d) || (d !== 0 && (d < 2 || d > 10))) throw invalid('parameters.duration must be 0 or an integer in [2, 10]');
  if (d > source) throw invalid(`parameters.duration (${d}) exceeds the input video (${source} s)`);
  if (params.audio_setting !== undefined && params.audio_setting !== 'auto' && params.audio_setting !== 'origin') {
    throw invalid('parameters.audio_setting must be "auto" or "origin"');
  }
  const output = d === 0 ? source : d;
  return { sr, ratio, durationSeconds: round2(source + output), inputVideoSeconds: source, outputVideoSeconds: output };
}
