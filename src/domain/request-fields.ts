import { z } from 'zod';
import { clipEcho } from './clip-echo.js';
import { AppError, invalidField, toCataloguedReason, type ReasonOf } from './errors.js';
import { fileIdPattern } from './id-patterns.js';
import { aspectRatios, type AspectRatio, type Resolution } from './output-size.js';
import { webhookUrlSchema } from './webhook-url.js';

/**
 * What the models of the family share in their create requests: the media field, the common fields
 * and their aliases, and how a validation problem becomes a 400 naming the field and the rule.
 */

/** What a media field accepts: an http(s) URL, a data: URI, or an uploaded file's id (prefix checks only: values can be 28 MB). */
const isAcceptedMedia = (value: string) => /^(https?:\/\/|data:)/i.test(value) || fileIdPattern.test(value);

/** Longest http(s) media URL: room for a presigned URL, not for a row of padding stored with the task. */
export const maxMediaUrlChars = 4096;
// Room for a data: URI of a maximal (20 MB) image in base64; larger inline media meet the body limit.
// Only data: URIs may be this long: they are re-hosted as files before the task is stored.
const maxDataUriChars = 28_000_000;
// Any other scheme (ftp:, file:) is refused here rather than when the task runs.
export const mediaUrl = z
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

export const promptField = z.string().max(5000);
export const negativePromptField = z.string().max(500);
/** Upper-cased before the check: `720p` is accepted (the OpenAPI document shows any letter case). */
export const resolutionField = z
  .string()
  .transform((s) => s.toUpperCase())
  .pipe(z.enum(['720P', '1080P']));
export const aspectField = z.enum(aspectRatios as [AspectRatio, ...AspectRatio[]]);

/** The fields every model of the family takes the same way (seed names plus our aliases). */
export const commonFields = {
  resolution: resolutionField.optional().describe('Output resolution: 720P or 1080P (default 1080P), in any letter case.'),
  size: aspectField.optional().describe('Aspect ratio (default 16:9); text-to-video only (image-to-video keeps the input aspect).'),
  aspect_ratio: aspectField.optional().describe('Alias of `size`.'),
  prompt_extend: z.boolean().optional().describe('Intelligent prompt rewriting (default true).'),
  watermark: z.boolean().optional().describe('Adds an "AI Generated" mark, lower right (default false).'),
  seed: z.number().int().min(0).max(2147483647).optional().describe('Random seed (default: random).'),
  callback_url: webhookUrlSchema.optional().describe("Webhook for the terminal state (default: the key's webhook URL)."),
  webhook: webhookUrlSchema.optional().describe('Alias of `callback_url`.'),
};

/** What every model's validated request has: the parameters shared by the family. */
export interface CommonRequest {
  prompt?: string;
  negativePrompt?: string;
  resolution: Resolution;
  /** Output seconds asked for (videoedit: 0 = the source's length). */
  durationSeconds: number;
  /** The requested aspect; undefined only for a videoedit that follows its source. */
  size?: AspectRatio;
  /** size was given but does not apply (image-to-video, or a first frame in r2v): the task says so. */
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

/** Validates a body against one model's schema; the first problem becomes a 400 naming the field. */
export function parseWith<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body, parseOptions);
  if (!result.success) throw toValidationError(result.error);
  return result.data;
}

type CommonInput = z.output<z.ZodObject<typeof commonFields>> & { prompt?: string; negative_prompt?: string };
type CommonOutput = Omit<CommonRequest, 'durationSeconds' | 'size' | 'sizeIgnored'>;

/** Folds the aliases (`aspect_ratio`, `webhook`) and fills the shared defaults. */
export function foldCommon(r: CommonInput, randomSeed: () => number): CommonOutput & { sizeGiven: AspectRatio | undefined } {
  if (r.size && r.aspect_ratio && r.size !== r.aspect_ratio) {
    throw invalidField('aspect_ratio', 'conflicting_alias', "'size' and its alias 'aspect_ratio' disagree");
  }
  if (r.callback_url && r.webhook && r.callback_url !== r.webhook) {
    throw invalidField('webhook', 'conflicting_alias', "'callback_url' and its alias 'webhook' disagree");
  }
  const callbackUrl = r.callback_url ?? r.webhook;
  return {
    ...(r.prompt !== undefined && { prompt: r.prompt }),
    ...(r.negative_prompt !== undefined && { negativePrompt: r.negative_prompt }),
    resolution: r.resolution ?? '1080P',
    promptExtend: r.prompt_extend ?? true,
    watermark: r.watermark ?? false,
    seed: r.seed ?? randomSeed(),
    ...(callbackUrl !== undefined && { callbackUrl }),
    sizeGiven: r.size ?? r.aspect_ratio,
  };
}

export function mixed(param: string, message: string): AppError {
  return new AppError('mixed_media_not_allowed', message, { param, reason: 'mixed_media_not_allowed' });
}
