/**
 * Create-body validation of the fake DashScope video-synthesis endpoint, modelled on the public docs and
 * the recorded answers (see the header of fake-dashscope.ts). Pure: no I/O.
 *
 * As recorded, only the gateway's own checks answer at create (no body, no or an unknown model, no
 * input); every other problem of the body (schema, media, parameters, an undownloadable URL) is accepted
 * with a PENDING task that fails on its first poll with InvalidParameter.
 */

import { FamilyReject, validateR2v, validateVideoEdit } from './validate-family.js';

export type Protocol = 't2v-2.7' | 'i2v-2.7' | 't2v-legacy' | 'r2v-2.7' | 'videoedit-2.7';

/** Refused at create, with this HTTP status. */
export interface CreateRejection {
  ok: false;
  atFirstPoll: false;
  status: number;
  code: string;
  message: string;
}

/** Accepted at create; the task fails on its first poll with this code and message. */
export interface DeferredRejection {
  ok: false;
  atFirstPoll: true;
  model: string;
  prompt: string | undefined;
  code: string;
  message: string;
}

export interface ValidateOptions {
  /** "Model not exist." has been recorded as 404 and documented as 400. */
  modelNotFoundStatus: 400 | 404;
  /**
   * Where wrong or missing media ("Field required: input.media", a bad input.media item) are answered: on
   * the task's first poll (as recorded for the video route) or, as the family spec allows too, as a 400 at
   * create.
   */
  mediaErrorsAt: 'first_poll' | 'create';
}

export interface AcceptedCreate {
  ok: true;
  model: string;
  protocol: Protocol;
  input: Record<string, unknown>;
  parameters: Record<string, unknown>;
  prompt: string | undefined;
  /** Seconds of the generated part (parameters.duration or its default). */
  durationSeconds: number;
  /** Seconds of input video billed: a first_clip's, r2v's capped reference videos', videoedit's source (0 when none). */
  inputVideoSeconds: number;
  /** Seconds of the result video. */
  outputVideoSeconds: number;
  /** usage.duration: what the task bills. */
  billedSeconds: number;
  sr: 720 | 1080;
  ratio: string | undefined;
}

export const MEDIA_TYPES = ['first_frame', 'last_frame', 'driving_audio', 'first_clip'] as const;
const RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4'];
const RESOLUTIONS = ['720P', '1080P'];
/** wan2.6-t2v (legacy protocol) output sizes, width*height. */
export const LEGACY_SIZES: Record<string, { sr: 720 | 1080; ratio: string }> = {
  '1280*720': { sr: 720, ratio: '16:9' }, '720*1280': { sr: 720, ratio: '9:16' }, '960*960': { sr: 720, ratio: '1:1' },
  '1088*832': { sr: 720, ratio: '4:3' }, '832*1088': { sr: 720, ratio: '3:4' },
  '1920*1080': { sr: 1080, ratio: '16:9' }, '1080*1920': { sr: 1080, ratio: '9:16' }, '1440*1440': { sr: 1080, ratio: '1:1' },
  '1632*1248': { sr: 1080, ratio: '4:3' }, '1248*1632': { sr: 1080, ratio: '3:4' },
};
/** Allowed input.media combinations of wan2.7-i2v, as sorted type lists. */
const MEDIA_COMBOS = [
  ['first_frame'],
  ['driving_audio', 'first_frame'],
  ['first_frame', 'last_frame'],
  ['driving_audio', 'first_frame', 'last_frame'],
  ['first_clip'],
  ['first_clip', 'last_frame'],
].map((c) => c.join('+'));

const MAX_PROMPT_CHARS = 5000;
const MAX_NEGATIVE_PROMPT_CHARS = 500;
const MAX_SEED = 2147483647;
/** The docs' own continuation example uses a 2 s clip; the fake cannot fetch media, so this is the default. */
export const DEFAULT_CLIP_SECONDS = 2;

export function modelProtocol(model: string): Protocol | undefined {
  if (/^wan2\.7-t2v(-\d{4}-\d{2}-\d{2})?$/.test(model)) return 't2v-2.7';
  if (/^wan2\.7-i2v(-\d{4}-\d{2}-\d{2})?$/.test(model)) return 'i2v-2.7';
  if (/^wan2\.6-t2v(-\d{4}-\d{2}-\d{2})?$/.test(model)) return 't2v-legacy';
  if (/^wan2\.7-r2v(-\d{4}-\d{2}-\d{2})?$/.test(model)) return 'r2v-2.7';
  if (/^wan2\.7-videoedit(-\d{4}-\d{2}-\d{2})?$/.test(model)) return 'videoedit-2.7';
  return undefined;
}

class Reject extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const invalid = (message: string) => new Reject(400, 'InvalidParameter', message);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function optionalString(obj: Record<string, unknown>, key: string, field: string, maxChars: number): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(`${field} must be a string`);
  if ([...v].length > maxChars) throw invalid(`${field} must be at most ${maxChars} characters`);
  return v;
}

function optionalBoolean(obj: Record<string, unknown>, key: string): void {
  const v = obj[key];
  if (v !== undefined && typeof v !== 'boolean') throw invalid(`parameters.${key} must be a boolean`);
}

function mediaUrl(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw invalid(`Field required: ${field}`);
  if (!/^(https?:\/\/|oss:\/\/|data:)/i.test(v)) throw invalid(`${field} must be a public http(s) URL, an oss:// URL or a data: URL`);
  return v;
}

/** The fake never downloads media: a host under `.invalid` (never resolvable) stands for a URL the service cannot fetch. */
function undownloadable(url: string): boolean {
  try {
    return new URL(url).hostname.endsWith('.invalid');
  } catch {
    return false;
  }
}

/** Seconds of a first_clip: the fake never downloads media, so a `fake_duration=N` query or hash hint stands in for probing. */
export function clipSecondsFromUrl(url: string): number {
  const m = /[?#&]fake_duration=(\d+(?:\.\d+)?)/.exec(url);
  return m ? Number(m[1]) : DEFAULT_CLIP_SECONDS;
}

function rejectPresent(obj: Record<string, unknown>, keys: string[], prefix: string, why: string): void {
  for (const k of keys) if (obj[k] !== undefined) throw invalid(`${prefix}.${k} is not supported: ${why}`);
}

function checkMedia(input: Record<string, unknown>): number {
  const media = input.media;
  if (media === undefined || media === null || (Array.isArray(media) && media.length === 0)) throw invalid('Field required: input.media');
  if (!Array.isArray(media)) throw invalid('input.media must be an array of {type, url}');
  const types: string[] = [];
  let clipSeconds = 0;
  media.forEach((item, i) => {
    if (!isObject(item)) throw invalid(`input.media[${i}] must be an object {type, url}`);
    const type = item.type;
    if (typeof type !== 'string' || !(MEDIA_TYPES as readonly string[]).includes(type)) {
      throw invalid(`input.media[${i}].type must be one of ${MEDIA_TYPES.join(', ')}`);
    }
    if (types.includes(type)) throw invalid(`input.media has more than one ${type}`);
    const url = mediaUrl(item.url, `input.media[${i}].url`);
    if (type === 'first_clip') {
      clipSeconds = clipSecondsFromUrl(url);
      if (clipSeconds < 2 || clipSeconds > 10) throw invalid(`input.media[${i}] (first_clip) must last 2 to 10 seconds`);
    }
    types.push(type);
  });
  if (!MEDIA_COMBOS.includes([...types].sort().join('+'))) {
    throw invalid(
      `input.media combination [${types.join(', ')}] is not supported; use first_frame (+ last_frame) (+ driving_audio), or first_clip (+ last_frame)`,
    );
  }
  return clipSeconds;
}

/** The gateway's own checks, answered at create: the body, the model, the input's presence. */
function resolveModel(body: unknown, opts: ValidateOptions): { body: Record<string, unknown>; model: string; protocol: Protocol } {
  if (!isObject(body)) throw invalid('The request body must be a JSON object');
  const model = body.model;
  if (model === undefined || model === null || model === '') {
    throw new Reject(400, 'BadRequest.EmptyModel', 'Required parameter "model" missing from request.');
  }
  if (typeof model !== 'string') throw invalid('model must be a string');
  const protocol = modelProtocol(model);
  if (!protocol) throw new Reject(opts.modelNotFoundStatus, 'InvalidParameter', 'Model not exist.');
  if (body.input === undefined || body.input === null) {
    throw new Reject(400, 'BadRequest.EmptyInput', 'Required input parameter missing from request.');
  }
  return { body, model, protocol };
}

/** The task's own checks: the service runs them after accepting the task, so they fail its first poll. */
function validate(body: Record<string, unknown>, model: string, protocol: Protocol): AcceptedCreate {
  if (!isObject(body.input)) throw invalid('input must be an object');
  const input = body.input;
  const params = body.parameters ?? {};
  if (!isObject(params)) throw invalid('parameters must be an object');
  if (protocol === 'r2v-2.7' || protocol === 'videoedit-2.7') return validateFamilyModel(model, protocol, input, params);

  const prompt = optionalString(input, 'prompt', 'input.prompt', MAX_PROMPT_CHARS);
  if (protocol !== 'i2v-2.7' && prompt === undefined) throw invalid('Field required: input.prompt');
  if (protocol !== 'i2v-2.7' && prompt!.trim() === '') throw invalid('prompt must contain words');
  optionalString(input, 'negative_prompt', 'input.negative_prompt', MAX_NEGATIVE_PROMPT_CHARS);
  if (input.audio_url !== undefined) {
    if (protocol === 'i2v-2.7') throw invalid('input.audio_url is not supported by wan2.7-i2v: pass input.media [{type: "driving_audio", url}]');
    mediaUrl(input.audio_url, 'input.audio_url');
  }

  let clipSeconds = 0;
  if (protocol === 'i2v-2.7') {
    rejectPresent(input, ['img_url', 'first_frame_url', 'last_frame_url'], 'input', 'wan2.7-i2v takes its media in input.media');
    clipSeconds = checkMedia(input);
  } else if (input.media !== undefined) {
    throw invalid(`input.media is not supported by text-to-video model ${model}`);
  }

  const d = params.duration ?? 5;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 2 || d > 15) {
    throw invalid('parameters.duration must be an integer in [2, 15]');
  }
  optionalBoolean(params, 'prompt_extend');
  optionalBoolean(params, 'watermark');
  const seed = params.seed;
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED)) {
    throw invalid(`parameters.seed must be an integer in [0, ${MAX_SEED}]`);
  }

  let sr: 720 | 1080;
  let ratio: string | undefined;
  if (protocol === 't2v-legacy') {
    rejectPresent(params, ['resolution', 'ratio'], 'parameters', `${model} uses parameters.size (e.g. "1920*1080")`);
    const size = params.size ?? '1920*1080';
    const known = typeof size === 'string' ? LEGACY_SIZES[size] : undefined;
    if (!known) throw invalid(`parameters.size must be one of ${Object.keys(LEGACY_SIZES).join(', ')}`);
    optionalBoolean(params, 'audio');
    if (params.shot_type !== undefined && params.shot_type !== 'single' && params.shot_type !== 'multi') {
      throw invalid('parameters.shot_type must be "single" or "multi"');
    }
    sr = known.sr;
    ratio = known.ratio;
  } else {
    const resolution = params.resolution ?? '1080P';
    if (typeof resolution !== 'string' || !RESOLUTIONS.includes(resolution)) throw invalid('parameters.resolution must be "720P" or "1080P"');
    sr = resolution === '720P' ? 720 : 1080;
    rejectPresent(params, ['size'], 'parameters', `${model} uses parameters.resolution${protocol === 't2v-2.7' ? ' and parameters.ratio' : ''}`);
    if (protocol === 't2v-2.7') {
      const r = params.ratio ?? '16:9';
      if (typeof r !== 'string' || !RATIOS.includes(r)) throw invalid(`parameters.ratio must be one of ${RATIOS.join(', ')}`);
      ratio = r;
    } else {
      rejectPresent(params, ['ratio'], 'parameters', 'image-to-video follows the aspect ratio of the input media');
    }
  }
  rejectUndownloadable(input);
  return {
    ok: true, model, protocol, input, parameters: params, prompt, durationSeconds: d, inputVideoSeconds: clipSeconds,
    // A continuation bills its whole output, clip included.
    outputVideoSeconds: clipSeconds + d, billedSeconds: clipSeconds + d, sr, ratio,
  };
}

/** Downloads come last: the service fetches media only for a well-formed task. */
function rejectUndownloadable(input: Record<string, unknown>): void {
  const media = Array.isArray(input.media) ? input.media.filter(isObject) : [];
  const urls = [input.audio_url, ...media.flatMap((m) => [m.url, m.reference_voice])];
  const missing = urls.find((u): u is string => typeof u === 'string' && undownloadable(u));
  if (missing !== undefined) throw invalid(`Failed to download ${missing}`);
}

function validateFamilyModel(model: string, protocol: 'r2v-2.7' | 'videoedit-2.7', input: Record<string, unknown>, params: Record<string, unknown>): AcceptedCreate {
  let usage: ReturnType<typeof validateR2v>;
  try {
    usage = protocol === 'r2v-2.7' ? validateR2v(input, params) : validateVideoEdit(input, params);
  } catch (e) {
    if (e instanceof FamilyReject) throw invalid(e.message);
    throw e;
  }
  rejectUndownloadable(input);
  return {
    ok: true, model, protocol, input, parameters: params, prompt: typeof input.prompt === 'string' ? input.prompt : undefined,
    durationSeconds: usage.outputVideoSeconds, inputVideoSeconds: usage.inputVideoSeconds, outputVideoSeconds: usage.outputVideoSeconds,
    billedSeconds: usage.durationSeconds, sr: usage.sr, ratio: usage.ratio,
  };
}

/**
 * Validates a create body the way the service does; the first problem found is the answer. wan2.7-r2v
 * and wan2.7-videoedit bodies are checked by validate-family.ts.
 */
export function validateCreateBody(raw: unknown, opts: ValidateOptions): AcceptedCreate | CreateRejection | DeferredRejection {
  let resolved: ReturnType<typeof resolveModel>;
  try {
    resolved = resolveModel(raw, opts);
  } catch (e) {
    if (e instanceof Reject) return { ok: false, atFirstPoll: false, status: e.status, code: e.code, message: e.message };
    throw e;
  }
  const { body, model, protocol } = resolved;
  try {
    return validate(body, model, protocol);
  } catch (e) {
    if (!(e instanceof Reject)) throw e;
    if (opts.mediaErrorsAt === 'create' && /^(Field required: )?input\.media/.test(e.message)) {
      return { ok: false, atFirstPoll: false, status: e.status, code: e.code, message: e.message };
    }
    const prompt = isObject(body.input) && typeof body.input.prompt === 'string' ? body.input.prompt : undefined;
    return { ok: false, atFirstPoll: true, model, prompt, code: e.code, message: e.message };
  }
}
