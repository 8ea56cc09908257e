import { z } from 'zod';
import { aspectRatios, resolutions, type AspectRatio, type Resolution } from '../domain/output-size.js';
import { modeEnum } from './response-schemas.js';

/**
 * What GET /v1/models, GET /v1/model-schema and GET /v1/model-docs answer (the seed platform's current
 * discovery routes): a model's modes, fields, limits and price; its request's JSON Schema; its reference.
 */

const unixTime = z.int().min(0).describe('Unix seconds.');
const resolutionEnum = z.enum(resolutions as [Resolution, ...Resolution[]]);

export const operationEnum = z.enum(['video_generation']).describe('What a model does; every model here generates videos.');

const priceSchema = z.strictObject({
  amount: z.string().describe('Exact decimal in major units, e.g. `"0.10"`.'),
  amount_minor: z.int().describe('Integer minor units (see `minor_per_major`).'),
});

const rangeSchema = z.strictObject({ min: z.number(), max: z.number() });
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
    operation: operationEnum,
    summary: z.string().describe('What the model does.'),
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
    defaults: z.strictObject({
      duration: z.int().describe('Seconds (wan2.7-videoedit: 0 = the length of the source video).'),
      size: z.string().nullable().describe('null: the output follows the source video unless a size is given (wan2.7-videoedit).'),
      prompt_extend: z.boolean(),
      watermark: z.boolean(),
    }),
    limits: z.strictObject({
      duration: z.strictObject({ min: z.int(), max: z.int() }).describe('Seconds.'),
      duration_with_reference_video: rangeSchema.optional().describe('wan2.7-r2v: seconds when any reference video is given.'),
      references: rangeSchema.optional().describe('wan2.7-r2v: reference images and videos together (a first frame not counted).'),
      reference_images: rangeSchema.optional().describe('wan2.7-videoedit.'),
      prompt_max_chars: z.int(),
      negative_prompt_max_chars: z.int(),
      media: z
        .strictObject({
          image: mediaLimitSchema.optional(),
          video: mediaLimitSchema.optional(),
          audio: mediaLimitSchema.optional(),
          reference_video: mediaLimitSchema.optional(),
          reference_voice: mediaLimitSchema.optional(),
        })
        .describe('Per kind of input the model takes: the limits checked after probing.'),
    }),
    pricing: z.strictObject({
      currency: z.string(),
      unit: z.literal('second').describe('Prices are per billed second.'),
      minor_per_major: z.int(),
      per_second: z.record(z.string(), priceSchema).describe('By resolution.'),
      billing: z.string().describe("Which seconds are billed (the model's rule)."),
    }),
    engine: z.strictObject({ id: z.string(), description: z.string() }).describe('Where new tasks of this model run.'),
  })
  .describe('A model this server offers, with what a form or price quote needs.');

export const modelListSchema = z.strictObject({ object: z.literal('list'), data: z.array(modelSchema) }).describe('An OpenAI-style list of models.');

export const modelInputSchemaReplySchema = z
  .strictObject({
    model: z.string(),
    operation: operationEnum,
    input_schema: z
      .looseObject({ type: z.literal('object') })
      .describe('JSON Schema (draft 2020-12) of the create request without `model`: generated from the schema that validates it.'),
  })
  .describe("A model's request as JSON Schema.");

export const modelDocsReplySchema = z
  .strictObject({
    object: z.literal('model.documentation'),
    model: z.string(),
    doc_url: z.string().describe('The reference as a web page.'),
    markdown_url: z.string().describe('The reference as Markdown (`text/markdown`).'),
    markdown: z.string().describe('The reference: fields, limits, modes, examples, billing.'),
    fetched_at: unixTime.describe('When this server generated the reference (from its own schemas and prices).'),
    cache_ttl_seconds: z.int().describe('How long a client may keep it.'),
    stale: z.boolean().describe('true when the reference may be out of date; generated from the running code, it never is.'),
  })
  .describe("A model's reference in Markdown.");

export type ModelJson = z.input<typeof modelSchema>;
export type ModelDocsJson = z.input<typeof modelDocsReplySchema>;
