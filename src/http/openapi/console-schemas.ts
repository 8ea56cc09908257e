import { z } from 'zod';
import { aspectRatios, resolutions, type AspectRatio, type Resolution } from '../../domain/output-size.js';
import { keySchema, modeEnum } from '../../present/response-schemas.js';

/** Schemas of the routes the web console relies on besides the API proper: sign-in, models, server summary. */

const unixTime = z.int().min(0).describe('Unix seconds.');
const resolutionEnum = z.enum(resolutions as [Resolution, ...Resolution[]]);

export const loginSchema = z.strictObject({
  key: z.string().min(1).max(500).describe('An API key (`wg_…`). Accepted only here, in the body (never in a URL).'),
});

export const sessionReplySchema = z.strictObject({
  code: z.literal(200),
  data: z.strictObject({ expires_at: unixTime.describe('When the session ends at the latest.'), key: keySchema }),
});

export const logoutReplySchema = z.strictObject({
  code: z.literal(200),
  data: z.strictObject({ ended: z.boolean().describe('false when there was no live session.') }),
});

const priceSchema = z.strictObject({
  amount: z.string().describe('Exact decimal in major units, e.g. `"0.10"`.'),
  amount_minor: z.int().describe('Integer minor units (see `minor_per_major`).'),
});

const mediaLimitSchema = z.strictObject({
  max_bytes: z.int(),
  min_side: z.int().optional(),
  max_side: z.int().optional(),
  min_seconds: z.number().optional(),
  max_seconds: z.number().optional(),
});

export const modelSchema = z
  .strictObject({
    id: z.string().describe('The value of `model` in a create request.'),
    object: z.literal('model'),
    owned_by: z.string(),
    operation: z.literal('video_generation'),
    modes: z.array(
      z.strictObject({
        id: modeEnum,
        name: z.string(),
        requires: z.array(z.string()).describe('Inputs this mode needs.'),
        accepts: z.array(z.string()).describe('Optional inputs it also takes.'),
      }),
    ),
    fields: z.array(z.string()).describe('Every field of the create request.'),
    resolutions: z.array(resolutionEnum),
    default_resolution: resolutionEnum,
    sizes: z.array(z.enum(aspectRatios as [AspectRatio, ...AspectRatio[]])),
    defaults: z.strictObject({ duration: z.int(), size: z.string(), prompt_extend: z.boolean(), watermark: z.boolean() }),
    limits: z.strictObject({
      duration: z.strictObject({ min: z.int(), max: z.int() }).describe('Seconds.'),
      prompt_max_chars: z.int(),
      negative_prompt_max_chars: z.int(),
      media: z.strictObject({ image: mediaLimitSchema, video: mediaLimitSchema, audio: mediaLimitSchema }),
    }),
    pricing: z.strictObject({
      currency: z.string(),
      unit: z.literal('second').describe('Prices are per second of output.'),
      minor_per_major: z.int(),
      per_second: z.record(z.string(), priceSchema).describe('By resolution.'),
    }),
    engine: z.strictObject({ id: z.string(), description: z.string() }).describe('Where new tasks of this model run.'),
  })
  .describe('A model this server offers, with what a form or price quote needs.');

export const modelListSchema = z.strictObject({ object: z.literal('list'), data: z.array(modelSchema) });

export const serverInfoReplySchema = z.strictObject({
  code: z.literal(200),
  data: z
    .strictObject({
      version: z.string(),
      engine: z.strictObject({ id: z.string(), description: z.string() }).describe('The engine new tasks run on.'),
      engines: z.array(z.string()).describe('Every engine this process serves (older tasks keep theirs).'),
      base_url: z.string(),
      billing: z.boolean(),
      currency: z.string(),
      price_per_second: z.record(z.string(), priceSchema),
      result_url_ttl_seconds: z.int(),
      retention_hours: z.strictObject({ results: z.number(), uploads: z.number() }),
      worker_lease_seconds: z.number(),
      webhooks: z.strictObject({ retry_delays_seconds: z.array(z.number()), timeout_ms: z.int() }),
      console_session_hours: z.number(),
    })
    .describe('What this server runs with; never a secret.'),
});
