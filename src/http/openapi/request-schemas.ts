import { z } from 'zod';
import { invalidField } from '../../domain/errors.js';
import { idempotencyKeySchema } from '../../domain/idempotency-key.js';
import { webhookUrlSchema } from '../../domain/webhook-url.js';
import { maxWaitSeconds } from '../prefer-wait.js';
import { responseVersionHeader, responseVersions } from '../response-version.js';
import { taskLanguages } from '../../present/task-error-language.js';

/**
 * The schemas that validate what clients send to the routes other than create (whose body schema is
 * the domain's createRequestSchema). The route catalogue lists them per route; the handlers validate
 * with the catalogue's references and the OpenAPI document is generated from the same objects.
 */

/** Unix seconds in a JSON body (an expiry): a JSON number, never a string that looks like one. */
const unixSeconds = z.number().int().min(0).max(1e11);
/** Unix seconds in a query string (from/to of a date range), where every value arrives as text. */
export const unixSecondsQuery = z.coerce.number().int().min(0).max(1e11);

const taskIdPattern = /^task_[0-9A-HJKMNP-TV-Z]{26}$/;

// ---- path parameters (the router matches them; an unknown id is a 404, never a 400) ----

export const taskParams = z.strictObject({
  taskId: z.string().describe("The task's id, `task_` + a 26-character ULID, as returned by create."),
});
export type TaskParams = z.output<typeof taskParams>;

export const keyParams = z.strictObject({ keyId: z.string().describe("The key's id (`key_…`).") });
export type KeyParams = z.output<typeof keyParams>;

export const fileParams = z.strictObject({ fileId: z.string().describe("The file's id (`file_…`), as returned by upload.") });
export type FileParams = z.output<typeof fileParams>;

export const modelParams = z.strictObject({ model: z.string().describe('A model id, as GET /v1/models lists them (e.g. `wan2.7`).') });
export type ModelParams = z.output<typeof modelParams>;

/** The wildcard of `/files/*`: a storage key, which may contain `/`. */
export const signedFileParams = z.strictObject({ '*': z.string().describe('Storage key of the file; may contain `/`. Only ever used through a signed URL the API returned.') });
export type SignedFileParams = z.output<typeof signedFileParams>;

// ---- query strings ----

export const usageQuerySchema = z.strictObject({
  from: unixSecondsQuery.optional().describe('Only entries created at or after this time (unix seconds).'),
  to: unixSecondsQuery.optional().describe('Only entries created before this time (unix seconds).'),
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('Page size.'),
  after: z.string().max(64).optional().describe('Cursor: the `next_cursor` of the previous page.'),
  key_id: z.string().max(64).optional().describe('Only this key (admin view).'),
});

/** The caller's own usage: the admin query without `key_id`. */
export const ownUsageQuerySchema = usageQuerySchema.omit({ key_id: true });

export const listTasksQuerySchema = z.strictObject({
  status: z
    .union([z.string().max(200), z.array(z.string().max(200)).max(10)])
    .optional()
    .describe('One status (`pending`, `processing`, `completed`, `failed`, `cancelled`) or a comma list; a repeated parameter works too.'),
  from: unixSecondsQuery.optional().describe('Only tasks created at or after this time (unix seconds).'),
  to: unixSecondsQuery.optional().describe("Only tasks created before this time (unix seconds); must be later than 'from'."),
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('Page size.'),
  after: z.string().regex(taskIdPattern, 'must be a task id').optional().describe('Cursor: the `next_cursor` of the previous page (a task id).'),
});

const modelQueryField = z.string().min(1).max(200).describe('A model id, as GET /v1/models lists them (e.g. `wan2.7`); unknown: 404 `model_not_found`.');

export const modelSchemaQuerySchema = z.strictObject({
  model: modelQueryField,
  operation: z.string().max(100).optional().describe("The operation (`video_generation`); one the model does not have is a 400 naming `operation`."),
});

export const modelDocsQuerySchema = z.strictObject({ model: modelQueryField });

/** GET /v1/tasks/{id}: other query parameters are ignored, as before (cache busters keep working). */
export const taskQuerySchema = z.object({
  language: z
    .enum(taskLanguages)
    .optional()
    .describe(
      "The language of a failed task's `error.message`: `zh` (Chinese) or `en` (English, the default); `ko` and `ja` are answered in English for now. " +
        '`Content-Language` names the language of the answer; `error.reason` never changes.',
    ),
});

export const signedFileQuerySchema = z.strictObject({
  expires: z.string().describe('Expiry of the link (unix seconds), part of the signature.'),
  sig: z.string().describe('Signature of the storage key and expiry.'),
});
export type SignedFileQuery = Partial<z.output<typeof signedFileQuerySchema>>;

// ---- headers (names as clients send them; HTTP header names are case-insensitive) ----

export const idempotencyKeyHeader = idempotencyKeySchema.describe(
  'Makes create safe to retry: 1..191 visible ASCII characters, no spaces. The same key with the same body within 24 h returns the same task ' +
    '(the answer then carries `Idempotency-Replayed: true`); with a different body, 409.',
);

/** The Idempotency-Key of a request: absent (or repeated) is none; otherwise 1..191 visible ASCII characters or 400. */
export function readIdempotencyKey(value: string | string[] | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (!idempotencyKeyHeader.safeParse(value).success) {
    const reason = value.length === 0 ? 'too_short' : value.length > 191 ? 'too_long' : 'invalid_value';
    throw invalidField('Idempotency-Key', reason, 'Idempotency-Key must be 1..191 visible ASCII characters without spaces');
  }
  return value;
}

/** RFC 7240 `Prefer`; parsed leniently by preferredWaitSeconds (a preference that cannot be honoured is ignored). */
export const preferHeader = z
  .string()
  .describe(
    `RFC 7240 preferences. \`wait=N\` (1..${maxWaitSeconds} s, larger values clamped) holds the answer until the task ends or N seconds pass; ` +
      '`Preference-Applied` echoes the wait used. Unusable preferences are ignored.',
  );

export const responseVersionHeaderSchema = z
  .string()
  .describe(
    `The response version the client speaks: \`${responseVersions.join('`, `')}\` answers create with one task object in \`data\` and echoes the header. ` +
      'Absent or unknown: the first version of the seed page (never an error).',
  );

export const createHeaders = z.strictObject({
  'Idempotency-Key': idempotencyKeyHeader.optional(),
  Prefer: preferHeader.optional(),
  [responseVersionHeader]: responseVersionHeaderSchema.optional(),
});
export const waitHeaders = z.strictObject({ Prefer: preferHeader.optional() });
export const rangeHeaders = z.strictObject({
  Range: z.string().optional().describe('A byte range (`bytes=0-1023`): answered with 206, or 416 when it lies outside the file.'),
  'If-None-Match': z.string().optional().describe('An ETag from an earlier answer: 304 when unchanged.'),
});

// ---- JSON bodies ----

const limitValue = z.number().int().min(1).max(1_000_000).nullable();
export const keyLimitsSchema = z.strictObject({
  requests_per_minute: limitValue.optional().describe('Requests per minute on /v1 routes; null = no limit.'),
  max_running: limitValue.optional().describe('Tasks of this key processing at once; null = no limit.'),
  max_queued: limitValue.optional().describe('Tasks of this key waiting in the queue; null = no limit.'),
});
const money = z.number().finite().min(-1e9).max(1e9);
const scopeList = z.array(z.enum(['admin', 'user'])).min(1).max(2);
/** Each scope once: a repeat is dropped, not stored. */
const uniqueScopes = <T>(list: T[]): T[] => [...new Set(list)];

export const createKeySchema = z.strictObject({
  name: z.string().min(1).max(200),
  scopes: scopeList.default(['user']).transform(uniqueScopes),
  expires_at: unixSeconds.optional().describe('Expiry (unix seconds); none = never.'),
  balance: money.min(0).optional().describe('Starting balance in major units; none = unlimited.'),
  limits: keyLimitsSchema.optional(),
  webhook_url: webhookUrlSchema.optional().describe("Default webhook for this key's tasks (a task's callback_url wins)."),
});

export const updateKeySchema = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  scopes: scopeList.transform(uniqueScopes).optional(),
  expires_at: unixSeconds.nullable().optional().describe('Expiry (unix seconds); null = never.'),
  limits: keyLimitsSchema.optional(),
  webhook_url: webhookUrlSchema.nullable().optional(),
  unlimited: z.boolean().optional().describe('true: no balance check; false: give the key a balance (starting at 0).'),
});

export const creditSchema = z.strictObject({
  amount: money.describe('Major units; negative for an adjustment. At most as many decimals as the currency has.'),
  note: z.string().max(500).optional(),
});

/** An upload as multipart: the bytes are streamed to disk and checked by probing, not by a schema. */
export const multipartUploadSchema = z.strictObject({ file: z.file().describe('The image, video or audio file.') });
/** An upload as the raw request body, with its Content-Type. */
export const rawUploadSchema = z.file().describe('The file itself as the body, with its Content-Type.');
