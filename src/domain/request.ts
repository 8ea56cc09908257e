import { z } from 'zod';
import { clipEcho } from './clip-echo.js';
import { AppError, invalidField, toCataloguedReason, type ReasonOf } from './errors.js';
import { fileIdPattern } from './id-patterns.js';
import { aspectRatios, type AspectRatio, type Resolution } from './output-size.js';
import { webhookUrlSchema } from './webhook-url.js';

/** What a media field accepts: an http(s) URL, a data: URI, or an uploaded file's id (prefix checks only: values can be 28 MB). */
const isAcceptedMedia = (value: string) => /^(https?:\/\/|data:)/i.test(value) || fileIdPattern.test(value);

/** Longest http(s) media URL: room for a presigned URL, not for a row of padding stored with the task. */
export const maxMediaUrlChars = 4096;
// Room for a data: URI of a maximal (20 MB) image in base64; larger inline media meet the body limit.
// Only data: URIs may be this long: they are re-hosted as files before the task is stored.
const maxDataUriChars = 28_000_000;
// Any other scheme (ftp:, file:) is refused here rather than when the task runs.
const mediaUrl = z
  .string()
  .min(1)
  .max(maxDataUriChars)
  .refine(isAcceptedMedia, {
    message: "must be an http:// or https:// URL, a data: URI or an uploaded file's id (file_…)",
    params: { reason: 'unsupported_url_scheme' },
  })
  .superRefine((value, ctx) => {
    if (value.length > maxMediaUrlChars && !/^data:/i.test(value)) {
      const message = `must be at most ${maxMediaUrlChars} characters (only data: URIs may be longer)`;
      ctx.addIssue({ code: 'too_big', origin: 'string', maximum: maxMediaUrlChars, inclusive: true, input: value, message });
    }
  })
  .describe("An http(s) URL, a base64 `data:` URI, or an uploaded file's URL or id (`file_…`).");

/** The create request as clients send it (seed field names plus our aliases). */
export const createRequestSchema = z.strictObject({
  model: z.literal('wan2.7').describe('The model: `wan2.7` (text-to-video, image-to-video and continuation, chosen by the media given).'),
  prompt: z.string().max(5000).optional().describe('What the video shows. Required for text-to-video (no image or video given).'),
  negative_prompt: z.string().max(500).optional().describe('What the video should not show.'),
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
  resolution: z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(['720P', '1080P']))
    .optional()
    .describe('Output resolution: 720P or 1080P (default 1080P), in any letter case.'),
  duration: z.number().int().min(2).max(15).optional().describe('Seconds of output (default 5). For a continuation, the total length including the input clip.'),
  size: z.enum(aspectRatios as [AspectRatio, ...AspectRatio[]]).optional().describe('Aspect ratio (default 16:9); text-to-video only (image-to-video keeps the input aspect).'),
  aspect_ratio: z.enum(aspectRatios as [AspectRatio, ...AspectRatio[]]).optional().describe('Alias of `size`.'),
  prompt_extend: z.boolean().optional().describe('Intelligent prompt rewriting (default true).'),
  watermark: z.boolean().optional().describe('Adds an "AI Generated" mark, lower right (default false).'),
  seed: z.number().int().min(0).max(2147483647).optional().describe('Random seed (default: random).'),
  callback_url: webhookUrlSchema.optional().describe('Webhook for the terminal state (default: the key\'s webhook URL).'),
  webhook: webhookUrlSchema.optional().describe('Alias of `callback_url`.'),
});

export type RawCreateRequest = z.input<typeof createRequestSchema>;

export type Mode = 't2v' | 'i2v_first_frame' | 'i2v_first_last' | 'video_continuation';

/** The request after validation: defaults filled, aliases folded, media sorted by role. */
export interface GenerationRequest {
  model: 'wan2.7';
  mode: Mode;
  prompt?: string;
  negativePrompt?: string;
  firstFrameUrl?: string;
  lastFrameUrl?: string;
  videoUrl?: string;
  audioUrl?: string;
  resolution: Resolution;
  durationSeconds: number;
  /** Only meaningful for t2v; kept for i2v so the task can say it was ignored. */
  size: AspectRatio;
  sizeIgnored: boolean;
  promptExtend: boolean;
  watermark: boolean;
  seed: number;
  callbackUrl?: string;
}

/** Parse options that keep each issue's input, so a wrong type is told apart from a missing field. */
export const parseOptions = { reportInput: true } as const;

function reasonOf(issue: z.core.$ZodIssue): ReasonOf<'invalid_request'> {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'required' : 'invalid_type';
    case 'too_big':
      return issue.origin === 'string' ? 'too_long' : issue.origin === 'array' ? 'too_many' : 'out_of_range';
    case 'too_small':
      return issue.origin === 'string' ? 'too_short' : issue.origin === 'array' ? 'too_few' : 'out_of_range';
    case 'unrecognized_keys':
      return 'unknown_field';
    case 'custom':
      return toCataloguedReason(issue.params?.reason, 'invalid_request', 'invalid_value');
    case 'invalid_value':
    case 'invalid_format':
      return 'invalid_value';
    default:
      return 'invalid_value';
  }
}

function paramOf(issue: z.core.$ZodIssue): string {
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return path ? `${path}.${key}` : key;
  }
  return path || 'body';
}

/** Turns the first validation problem into a 400 naming the field and the rule. */
export function toValidationError(error: z.ZodError): AppError {
  const issue = error.issues[0]!;
  const param = clipEcho(paramOf(issue));
  const reason = reasonOf(issue);
  const detail = issue.code === 'unrecognized_keys' ? `unknown field '${param}'` : `${param}: ${issue.message}`;
  return invalidField(param, reason, `Invalid request: ${detail}`);
}

/** Validates a parsed JSON body and routes it to a mode. Throws AppError (400) on any violation. */
export function parseCreateRequest(body: unknown, randomSeed: () => number): GenerationRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalidField('body', 'invalid_type', 'Request body must be a JSON object');
  }
  const result = createRequestSchema.safeParse(body, parseOptions);
  if (!result.success) throw toValidationError(result.error);
  const r = result.data;

  if (r.size && r.aspect_ratio && r.size !== r.aspect_ratio) {
    throw invalidField('aspect_ratio', 'conflicting_alias', "'size' and its alias 'aspect_ratio' disagree");
  }
  if (r.callback_url && r.webhook && r.callback_url !== r.webhook) {
    throw invalidField('webhook', 'conflicting_alias', "'callback_url' and its alias 'webhook' disagree");
  }
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
  const size = r.size ?? r.aspect_ratio ?? '16:9';
  return {
    model: 'wan2.7',
    mode,
    ...(r.prompt !== undefined && { prompt: r.prompt }),
    ...(r.negative_prompt !== undefined && { negativePrompt: r.negative_prompt }),
    ...(first !== undefined && { firstFrameUrl: first }),
    ...(last !== undefined && { lastFrameUrl: last }),
    ...(video !== undefined && { videoUrl: video }),
    ...(audio !== undefined && { audioUrl: audio }),
    resolution: r.resolution ?? '1080P',
    durationSeconds: r.duration ?? 5,
    size,
    sizeIgnored: mode !== 't2v' && (r.size !== undefined || r.aspect_ratio !== undefined),
    promptExtend: r.prompt_extend ?? true,
    watermark: r.watermark ?? false,
    seed: r.seed ?? randomSeed(),
    ...((r.callback_url ?? r.webhook) !== undefined && { callbackUrl: r.callback_url ?? r.webhook }),
  };
}

/**
 * The six valid image-to-video combinations: first; first+audio; first+last; first+last+audio;
 * video; video+last. Anything else that carries an image or video is mixed_media_not_allowed.
 */
export function routeMode(m: { first?: string; last?: string; video?: string; audio?: string }): Mode {
  if (!m.first && !m.last && !m.video) return 't2v';
  if (m.video) {
    if (m.first) throw mixed('image_urls', 'A continuation video cannot be combined with a first frame');
    if (m.audio) throw mixed('audio_url', 'A continuation video cannot be combined with driving audio');
    return 'video_continuation';
  }
  if (!m.first) throw mixed('image_with_roles', 'A last frame needs a first frame (or a continuation video)');
  return m.last ? 'i2v_first_last' : 'i2v_first_frame';
}

function mixed(param: string, message: string): AppError {
  return new AppError('mixed_media_not_allowed', message, { param, reason: 'mixed_media_not_allowed' });
}
