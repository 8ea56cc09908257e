import { z } from 'zod';
import { reasons } from '../domain/errors.js';
import { modelIds } from '../domain/request.js';
import { aspectRatios, type AspectRatio } from '../domain/output-size.js';
import { taskStatuses } from '../domain/task.js';

/**
 * What the API answers, as zod schemas: the presenters are typed against them (so a field added to a
 * presenter but not here fails the typecheck), tests parse real answers with them, and the OpenAPI
 * document is generated from them. Objects are strict: an undocumented field fails conformance.
 */

const unixTime = z.int().min(0).describe('Unix seconds.');
const money = z.number().describe('Major units of the price table currency.');

export const taskStatusEnum = z.enum(taskStatuses);
export const modeEnum = z.enum(['t2v', 'i2v_first_frame', 'i2v_first_last', 'video_continuation', 'r2v', 'r2v_first_frame', 'video_edit']);
export const modelEnum = z.enum(modelIds);
export const aspectRatioEnum = z.enum(aspectRatios as [AspectRatio, ...AspectRatio[]]);
export const webhookStatusEnum = z.enum(['pending', 'delivered', 'failed']);

export const errorTypeEnum = z.enum([
  'invalid_request_error',
  'authentication_error',
  'payment_required',
  'permission_error',
  'not_found_error',
  'conflict_error',
  'rate_limit_error',
  'server_error',
  'bad_gateway',
  'service_unavailable',
]);

/** Every catalogued reason (domain/errors.ts); a component of its own, described per value in the document. */
export const errorReasonEnum = z.enum(reasons);

/** Any failure of any endpoint. */
export const errorEnvelopeSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.int().describe('The HTTP status.'),
      type: errorTypeEnum,
      message: z.string().describe('For humans; may change.'),
      param: z.string().optional().describe('The offending field, query parameter or header, where there is one.'),
      reason: errorReasonEnum,
    }),
    request_id: z.string().describe('`req_…`, also in the `x-request-id` header.'),
  })
  .describe('The error envelope of every endpoint.');

const resultVideoSchema = z.strictObject({
  url: z.array(z.string()).describe('One signed URL that works without the API key until `expires_at`; empty once the video expired.'),
  expires_at: unixTime.optional(),
  expired: z.literal(true).optional().describe('Retention deleted the video; the task keeps its metadata.'),
  width: z.int(),
  height: z.int(),
  duration: z.number().describe('Seconds.'),
  fps: z.number(),
});

const taskErrorSchema = z.strictObject({
  code: z.int().describe('HTTP status the failure maps to.'),
  type: errorTypeEnum,
  message: z.string(),
  reason: errorReasonEnum,
});

const webhookSummarySchema = z
  .strictObject({
    status: webhookStatusEnum,
    attempts: z.int(),
    last_status_code: z.int().nullable(),
    last_error: z.string().nullable(),
    deliveries: z.int().describe('Deliveries of this task so far (redeliveries included).'),
  })
  .describe("The task's latest webhook delivery (GET /v1/tasks/{taskId} only).");

/** A task as GET /v1/tasks/{taskId} shows it (also the body of webhooks and event stream messages). */
export const taskSchema = z
  .strictObject({
    id: z.string().describe('`task_` + a 26-character ULID.'),
    status: taskStatusEnum.describe('Clients must treat an unknown non-terminal status as "keep polling".'),
    progress: z.int().min(0).max(100),
    mode: modeEnum.describe('wan2.7: `t2v`, `i2v_first_frame`, `i2v_first_last`, `video_continuation`; wan2.7-r2v: `r2v`, `r2v_first_frame`; wan2.7-videoedit: `video_edit`.'),
    model: modelEnum,
    engine: z.strictObject({ id: z.string(), description: z.string() }),
    created: unixTime,
    started: unixTime.optional(),
    completed: unixTime.optional(),
    estimated_time: z.int().describe('Seconds the render is expected to take.'),
    actual_time: z.int().optional().describe('Seconds since the render started (final once completed).'),
    queue_position: z.int().optional().describe('While pending: tasks ahead in the queue.'),
    cost: money.describe('The hold while pending or processing, the captured price once completed, 0 when failed or cancelled.'),
    currency: z.string(),
    parameters: z.strictObject({
      resolution: z.enum(['720P', '1080P']),
      duration: z.int().describe('Seconds (wan2.7-videoedit: 0 = the length of the source video).'),
      size: aspectRatioEnum.optional().describe('Where it applies: text-to-video, wan2.7-r2v without a first frame, wan2.7-videoedit when given.'),
      audio_setting: z.enum(['auto', 'origin']).optional().describe('wan2.7-videoedit only.'),
      prompt_extend: z.boolean(),
      watermark: z.boolean(),
      seed: z.int(),
    }),
    input: z
      .strictObject({
        prompt: z.string().optional(),
        negative_prompt: z.string().optional(),
        image_with_roles: z
          .array(z.strictObject({ url: z.string(), role: z.enum(['first_frame', 'last_frame', 'reference_image']), reference_voice: z.string().optional() }))
          .optional(),
        image_urls: z.array(z.string()).optional().describe('wan2.7-videoedit: the reference images.'),
        video_urls: z.array(z.string()).optional(),
        video_with_roles: z.array(z.strictObject({ url: z.string(), reference_voice: z.string().optional() })).optional().describe('wan2.7-r2v: reference videos with their voices.'),
        audio_url: z.string().optional(),
      })
      .describe('What was asked, in the fields of the create request (inline data: media appear as the file URLs they were stored under).'),
    warnings: z.array(z.string()).optional(),
    result: z.strictObject({ videos: z.array(resultVideoSchema) }).optional().describe('Only when completed.'),
    webhook: webhookSummarySchema.optional(),
    result_expired_at: unixTime.optional().describe('When retention deleted the video.'),
    actual_prompt: z.string().optional().describe('The prompt after intelligent rewriting.'),
    error: taskErrorSchema.optional().describe('Only when failed.'),
  })
  .describe('A generation task (spec section 3).');

const ok = <T extends z.ZodType>(data: T) => z.strictObject({ code: z.literal(200), data });

export const createReplySchema = z
  .strictObject({
    code: z.literal(200),
    data: z
      .array(
        z.strictObject({
          status: z.enum(['submitted', 'completed', 'failed', 'cancelled']).describe('`submitted`, or the terminal status when `Prefer: wait` saw the task end.'),
          task_id: z.string(),
        }),
      )
      .length(1),
  })
  .describe('The seed platform shape: one entry per created task.');

/**
 * Create with `X-APIMart-Response-Version: 2026-07-27`: `data` is the task itself (as GET /v1/tasks/{id}
 * shows it, plus `object`), not the first version's one-entry array.
 */
export const createReply20260727Schema = z
  .strictObject({
    data: z.strictObject({ object: z.literal('generation.task'), ...taskSchema.shape }),
    request_id: z.string().describe('`req_…`, also in the `x-request-id` header.'),
  })
  .describe('Response version 2026-07-27 of create: one task object.');

/** What create answers: the first version unless the request asks for 2026-07-27. */
export const createReplyAnyVersionSchema = z
  .union([createReplySchema, createReply20260727Schema])
  .describe(
    'Without `X-APIMart-Response-Version` (or with a version this server does not know) the first version, `CreateGenerationReply`; ' +
      'with `X-APIMart-Response-Version: 2026-07-27`, `CreateGenerationReply20260727`, and the answer carries the same header.',
  );

export const taskReplySchema = ok(taskSchema);

export const taskListReplySchema = z.strictObject({
  code: z.literal(200),
  data: z.array(taskSchema).describe('Newest first.'),
  has_more: z.boolean(),
  next_cursor: z.string().nullable().describe('Pass as `after` for the next page; null on the last page.'),
});

const ledgerEntrySchema = z.strictObject({
  id: z.string(),
  key_id: z.string(),
  task_id: z.string().nullable(),
  kind: z.enum(['credit', 'hold', 'capture', 'release']),
  amount: money,
  balance_after: money.nullable().describe('null for unlimited keys.'),
  created: unixTime,
  note: z.string().nullable(),
});

export const usageSchema = z.strictObject({
  currency: z.string(),
  totals: z.strictObject({
    credited: money,
    held: money,
    captured: money,
    released: money,
    outstanding: money.describe('Holds not yet captured or released.'),
    tasks: z.int(),
  }),
  entries: z.array(ledgerEntrySchema).describe('Newest first.'),
  next_cursor: z.string().nullable().describe('Pass as `after` for the next page; null on the last page.'),
});
export const usageReplySchema = ok(usageSchema);

const keyFields = {
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('First characters of the secret, to recognise the key.'),
  scopes: z.array(z.enum(['admin', 'user'])),
  created: unixTime,
  expires_at: unixTime.nullable(),
  revoked: z.boolean(),
  unlimited: z.boolean(),
  balance: money.nullable().describe('null for unlimited keys.'),
  currency: z.string(),
  limits: z.strictObject({
    requests_per_minute: z.int().nullable(),
    max_running: z.int().nullable(),
    max_queued: z.int().nullable(),
  }),
  webhook_url: z.string().nullable(),
};
export const keySchema = z.strictObject(keyFields).describe('An API key (never its secret).');
export const ownKeySchema = z.strictObject({ ...keyFields, webhook_secret: z.string().describe('Verifies the signatures of this key\'s webhooks.') });
export const createdKeySchema = z.strictObject({
  ...keyFields,
  key: z.string().describe('The secret: shown this once only.'),
  webhook_secret: z.string(),
});
export const keyReplySchema = ok(keySchema);
export const keyListReplySchema = ok(z.array(keySchema));
export const ownKeyReplySchema = ok(ownKeySchema);
export const createdKeyReplySchema = ok(createdKeySchema);

export const fileSchema = z.strictObject({
  id: z.string(),
  object: z.literal('file'),
  url: z.string().describe('Usable in any media field of create by the same key.'),
  kind: z.enum(['image', 'video', 'audio']),
  content_type: z.string(),
  bytes: z.int(),
  created: unixTime,
  expires_at: unixTime,
});
export const fileReplySchema = ok(fileSchema);

/** POST /v1/uploads/images answers the seed platform's flat shape (no `code`/`data` wrapper). */
export const imageUploadReplySchema = z
  .strictObject({
    url: z.string().describe('Usable in any image field of create by the same key, until `expires_at`.'),
    filename: z.string().describe("The uploaded file's name (control characters removed), or the file id with the type's extension."),
    content_type: z.string().describe('From the bytes, never from the claim: `image/jpeg`, `image/png`, `image/gif`, `image/webp` or `image/bmp`.'),
    bytes: z.int(),
    created_at: unixTime,
    id: z.string().describe('`file_…`: also usable as a media value.'),
    object: z.literal('file'),
    expires_at: unixTime.describe('When retention deletes the upload (72 h by default).'),
  })
  .describe('An uploaded image, in the seed platform\'s flat shape.');

export const webhookDeliverySchema = z.strictObject({
  id: z.string(),
  event: z.string().describe('`task.completed`, `task.failed` or `task.cancelled`.'),
  url: z.string(),
  status: webhookStatusEnum,
  attempts: z.int(),
  last_status_code: z.int().nullable(),
  last_error: z.string().nullable(),
  created: unixTime,
  next_attempt_at: unixTime.nullable().describe('While pending.'),
  delivered: unixTime.nullable(),
});
export const taskWebhooksReplySchema = ok(
  z.strictObject({ task_id: z.string(), callback_url: z.string().nullable(), deliveries: z.array(webhookDeliverySchema) }),
);
export const redeliveryReplySchema = z.strictObject({ code: z.literal(202), data: webhookDeliverySchema });

export const healthSchema = z.strictObject({ ok: z.literal(true) });
const checkStateSchema = z.enum(['ok', 'unreachable', 'timeout']);
export const readinessSchema = z.strictObject({
  ready: z.boolean(),
  draining: z.boolean().describe('true once the process got SIGTERM: it finishes what it has and takes nothing new.'),
  checks: z.record(z.string(), checkStateSchema).describe('Each dependency (store, redis, storage) by name.'),
});
export const metricsTextSchema = z.string().describe('Prometheus text exposition format (version 0.0.4).');

/** Non-JSON bodies: documented by media type. */
export const binarySchema = z.file().describe('The bytes of the file.');
export const eventStreamSchema = z
  .string()
  .describe(
    'Server-Sent Events. `event: pending|processing` on a status change, `event: progress` when only the progress moves, each with the task JSON as data; ' +
      '`: ping` comments keep the connection open; the stream ends with `event: completed|failed|cancelled`.',
  );
export const openApiDocumentSchema = z.looseObject({ openapi: z.string() }).describe('This document.');
export const htmlSchema = z.string().describe('An HTML page.');
export const markdownSchema = z.string().describe('Markdown (CommonMark with tables).');

export type TaskJson = z.input<typeof taskSchema>;
export type UsageJson = z.input<typeof usageSchema>;
export type KeyJson = z.input<typeof keySchema>;
export type FileJson = z.input<typeof fileSchema>;
export type ImageUploadJson = z.input<typeof imageUploadReplySchema>;
export type WebhookDeliveryJson = z.input<typeof webhookDeliverySchema>;
