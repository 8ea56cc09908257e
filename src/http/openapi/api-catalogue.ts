import type { z } from 'zod';
import { familyRequestSchema } from '../../domain/request.js';
import * as cs from './console-schemas.js';
import { createExamples } from './create-examples.js';
import * as req from './request-schemas.js';
import { responseVersionHeader } from '../response-version.js';
import * as res from '../../present/response-schemas.js';
import * as ms from '../../present/model-schemas.js';

/**
 * The route catalogue: every documented route with the schemas that validate its input and describe
 * its answers. Route handlers register at `url` and validate with these very schema objects; the
 * OpenAPI generator (build-openapi.ts) reads nothing else. A route the server registers that is not
 * here (or the reverse) fails test/integration/openapi.test.ts.
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Who may call: `public` needs no key, `user` any valid key, `admin` a key with the admin scope. */
export type Access = 'public' | 'user' | 'admin';

export interface BodySpec {
  /** Media type -> schema. JSON bodies are validated with the schema; uploads are streamed and probed. */
  content: Record<string, z.ZodType>;
  /** Named examples of the (first) media type's body. */
  examples?: Record<string, { summary: string; value: unknown }>;
  required?: boolean;
  description?: string;
}

export interface ResponseSpec {
  description: string;
  /** Media type -> schema; none for an empty body. */
  content?: Record<string, z.ZodType>;
  /** Response header -> description. */
  headers?: Record<string, string>;
}

export interface ApiRoute {
  method: HttpMethod;
  /** The Fastify path (`:param`, `*`); the document shows `{param}`. */
  url: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  access: Access;
  request: {
    params?: z.ZodObject;
    query?: z.ZodObject;
    headers?: z.ZodObject;
    body?: BodySpec;
  };
  /** Successful answers by status. */
  responses: Record<number, ResponseSpec>;
  /** Error statuses beyond those every route of its access level may answer (401, 403, 429, 500). */
  errors: readonly number[];
}

const json = <T extends z.ZodType>(schema: T) => ({ 'application/json': schema });

const rangeResponses = (mediaType: string, what: string): Record<number, ResponseSpec> => ({
  200: {
    description: what,
    content: { [mediaType]: res.binarySchema },
    headers: { ETag: 'Validator for If-None-Match.', 'Accept-Ranges': '`bytes`.', 'Last-Modified': 'When the file was written.' },
  },
  206: { description: 'The requested byte range.', content: { [mediaType]: res.binarySchema }, headers: { 'Content-Range': 'The range sent.' } },
  302: {
    description: 'Only when the server runs with `RESULT_DELIVERY=redirect` (object storage): the same bytes, Range included, from a short-lived presigned URL of the store.',
    headers: { Location: 'The presigned URL.' },
  },
  304: { description: 'Not modified (If-None-Match / If-Modified-Since).' },
});

const uploadBody: BodySpec = {
  required: true,
  description: 'The file: a multipart field `file`, or the raw bytes with their Content-Type. The type is decided by probing the bytes.',
  content: { 'multipart/form-data': req.multipartUploadSchema, 'application/octet-stream': req.rawUploadSchema },
};

export const api = {
  createGeneration: {
    method: 'POST',
    url: '/v1/videos/generations',
    operationId: 'createGeneration',
    summary: 'Create a video generation',
    description:
      'One endpoint for the Wan2.7 family, selected by `model`: `wan2.7` (text-to-video, first frame, first + last frame, continuation), ' +
      '`wan2.7-r2v` (reference-to-video) and `wan2.7-videoedit` (video editing); GET /v1/models lists them with their limits and prices. ' +
      'Validates, routes and quotes the request (the hold is the model\'s upper bound of what it may bill), then queues it. ' +
      'Unknown fields are refused, and fields another model of the family takes are refused with `unsupported_for_model`. ' +
      'Media URLs may be http(s) URLs, URLs from /v1/files, or data: URIs. ' +
      'wan2.7 defaults: resolution 1080P, duration 5, size 16:9 (text-to-video only), prompt_extend true, watermark false, seed random.',
    tags: ['Tasks'],
    access: 'user',
    request: { headers: req.createHeaders, body: { required: true, content: json(familyRequestSchema), examples: createExamples } },
    responses: {
      200: {
        description: 'The task was accepted (or, for a repeated Idempotency-Key, the original task).',
        content: json(res.createReplyAnyVersionSchema),
        headers: {
          'Preference-Applied': 'With Prefer: wait, the wait used.',
          'Idempotency-Replayed': '`true` when the answer is the task of an earlier request with the same Idempotency-Key (absent for a new task).',
          [responseVersionHeader]: 'The response version of the answer, when the request asked for a known one.',
        },
      },
    },
    errors: [400, 402, 409, 413],
  },
  getTask: {
    method: 'GET',
    url: '/v1/tasks/:taskId',
    operationId: 'getTask',
    summary: 'Task status',
    tags: ['Tasks'],
    access: 'user',
    request: { params: req.taskParams, query: req.taskQuerySchema, headers: req.waitHeaders },
    responses: {
      200: {
        description: 'The task, in the same shape in every response version.',
        content: json(res.taskReplySchema),
        headers: { 'Preference-Applied': 'With Prefer: wait, the wait used.', 'Content-Language': '`en` or `zh`: the language of `error.message`.' },
      },
    },
    errors: [400, 404],
  },
  cancelTask: {
    method: 'POST',
    url: '/v1/tasks/:taskId/cancel',
    operationId: 'cancelTask',
    summary: 'Cancel a task',
    description: 'Cancels a pending or processing task and releases its hold. Cancelling a cancelled task answers it as it is; a completed or failed task, or an upstream task that can no longer be cancelled, is a 409.',
    tags: ['Tasks'],
    access: 'user',
    request: { params: req.taskParams },
    responses: { 200: { description: 'The task after the cancel.', content: json(res.taskReplySchema) } },
    errors: [404, 409],
  },
  listTasks: {
    method: 'GET',
    url: '/v1/tasks',
    operationId: 'listTasks',
    summary: 'List own tasks',
    tags: ['Tasks'],
    access: 'user',
    request: { query: req.listTasksQuerySchema },
    responses: { 200: { description: 'A page of tasks, newest first.', content: json(res.taskListReplySchema) } },
    errors: [400],
  },
  getTaskContent: {
    method: 'GET',
    url: '/v1/tasks/:taskId/content',
    operationId: 'getTaskContent',
    summary: "Download a task's video",
    description: 'The MP4 of a completed task, with HTTP Range and ETag. 410 once retention deleted it.',
    tags: ['Tasks'],
    access: 'user',
    request: { params: req.taskParams, headers: req.rangeHeaders },
    responses: rangeResponses('video/mp4', 'The video.'),
    errors: [404, 410, 412, 416],
  },
  streamTaskEvents: {
    method: 'GET',
    url: '/v1/tasks/:taskId/events',
    operationId: 'streamTaskEvents',
    summary: 'Task status stream (SSE)',
    tags: ['Tasks'],
    access: 'user',
    request: { params: req.taskParams },
    responses: { 200: { description: 'The current state at once, then every change until the task ends.', content: { 'text/event-stream': res.eventStreamSchema } } },
    errors: [404],
  },
  listTaskWebhooks: {
    method: 'GET',
    url: '/v1/tasks/:taskId/webhooks',
    operationId: 'listTaskWebhooks',
    summary: "A task's webhook deliveries",
    tags: ['Webhooks'],
    access: 'user',
    request: { params: req.taskParams },
    responses: { 200: { description: 'The deliveries, oldest first.', content: json(res.taskWebhooksReplySchema) } },
    errors: [404],
  },
  redeliverTaskWebhook: {
    method: 'POST',
    url: '/v1/tasks/:taskId/webhooks/redeliver',
    operationId: 'redeliverTaskWebhook',
    summary: "Send a task's terminal webhook again",
    description:
      'Only once the task ended and when it has a callback URL (its own or its key\'s default); otherwise 409. ' +
      'At most one redelivery is pending per task: while one is, a repeat answers with it.',
    tags: ['Webhooks'],
    access: 'user',
    request: { params: req.taskParams },
    responses: { 202: { description: 'A new delivery was queued, or the redelivery already pending.', content: json(res.redeliveryReplySchema) } },
    errors: [404, 409],
  },
  uploadFile: {
    method: 'POST',
    url: '/v1/files',
    operationId: 'uploadFile',
    summary: 'Upload a file (image, video, audio)',
    description: 'The answer carries a URL usable in any media field of create. Limits: image 20 MB, video 100 MB, audio 15 MB.',
    tags: ['Files'],
    access: 'user',
    request: { body: uploadBody },
    responses: { 200: { description: 'The stored file.', content: json(res.fileReplySchema) } },
    errors: [400, 413],
  },
  uploadImage: {
    method: 'POST',
    url: '/v1/uploads/images',
    operationId: 'uploadImage',
    summary: 'Upload an image (seed platform path)',
    description:
      "The seed platform's image upload and its flat answer. JPEG, PNG, GIF, WebP (and BMP), decided by the bytes; at most 20 MB (else 413). " +
      'The URL works in the image fields of create until `expires_at` (72 h by default); the models take JPEG, PNG, BMP and WEBP frames, so a GIF fails the task that uses it (`unsupported_format`).',
    tags: ['Files'],
    access: 'user',
    request: {
      body: {
        required: true,
        description: 'The image: a multipart field `file` (its file name is kept), or the raw bytes with their Content-Type.',
        content: { 'multipart/form-data': req.multipartUploadSchema, 'application/octet-stream': req.rawUploadSchema },
      },
    },
    responses: { 200: { description: 'The stored image.', content: json(res.imageUploadReplySchema) } },
    errors: [400, 413],
  },
  getFile: {
    method: 'GET',
    url: '/v1/files/:fileId',
    operationId: 'getFile',
    summary: 'An uploaded file',
    tags: ['Files'],
    access: 'user',
    request: { params: req.fileParams },
    responses: { 200: { description: 'The file.', content: json(res.fileReplySchema) } },
    errors: [404],
  },
  getFileContent: {
    method: 'GET',
    url: '/v1/files/:fileId/content',
    operationId: 'getFileContent',
    summary: "Download an uploaded file's bytes",
    tags: ['Files'],
    access: 'user',
    request: { params: req.fileParams, headers: req.rangeHeaders },
    responses: rangeResponses('application/octet-stream', 'The file, with the Content-Type it was stored with.'),
    errors: [404, 412, 416],
  },
  getSignedFile: {
    method: 'GET',
    url: '/files/*',
    operationId: 'getSignedFile',
    summary: 'Download through a signed URL',
    description: 'Result URLs work without the API key: the signature is the credential, until the link expires.',
    tags: ['Files'],
    access: 'public',
    request: { params: req.signedFileParams, query: req.signedFileQuerySchema },
    responses: rangeResponses('application/octet-stream', 'The file (`video/mp4` for results).'),
    errors: [403, 404],
  },
  getOwnKey: {
    method: 'GET',
    url: '/v1/me',
    operationId: 'getOwnKey',
    summary: 'The calling key: settings, balance, webhook secret',
    tags: ['Account'],
    access: 'user',
    request: {},
    responses: { 200: { description: 'The key.', content: json(res.ownKeyReplySchema) } },
    errors: [],
  },
  getOwnUsage: {
    method: 'GET',
    url: '/v1/usage',
    operationId: 'getOwnUsage',
    summary: "The calling key's usage and ledger",
    tags: ['Account'],
    access: 'user',
    request: { query: req.ownUsageQuerySchema },
    responses: { 200: { description: 'Totals and a page of ledger entries.', content: json(res.usageReplySchema) } },
    errors: [400],
  },
  createKey: {
    method: 'POST',
    url: '/admin/keys',
    operationId: 'createKey',
    summary: 'Create an API key',
    tags: ['Admin'],
    access: 'admin',
    request: { body: { required: true, content: json(req.createKeySchema) } },
    responses: { 200: { description: 'The key, with its secret shown this once.', content: json(res.createdKeyReplySchema) } },
    errors: [400],
  },
  listKeys: {
    method: 'GET',
    url: '/admin/keys',
    operationId: 'listKeys',
    summary: 'List API keys',
    tags: ['Admin'],
    access: 'admin',
    request: {},
    responses: { 200: { description: 'Every key.', content: json(res.keyListReplySchema) } },
    errors: [],
  },
  getKey: {
    method: 'GET',
    url: '/admin/keys/:keyId',
    operationId: 'getKey',
    summary: 'An API key',
    tags: ['Admin'],
    access: 'admin',
    request: { params: req.keyParams },
    responses: { 200: { description: 'The key.', content: json(res.keyReplySchema) } },
    errors: [404],
  },
  updateKey: {
    method: 'PATCH',
    url: '/admin/keys/:keyId',
    operationId: 'updateKey',
    summary: 'Change an API key',
    tags: ['Admin'],
    access: 'admin',
    request: { params: req.keyParams, body: { required: true, content: json(req.updateKeySchema) } },
    responses: { 200: { description: 'The key after the change.', content: json(res.keyReplySchema) } },
    errors: [400, 404],
  },
  revokeKey: {
    method: 'POST',
    url: '/admin/keys/:keyId/revoke',
    operationId: 'revokeKey',
    summary: 'Revoke an API key',
    tags: ['Admin'],
    access: 'admin',
    request: { params: req.keyParams },
    responses: { 200: { description: 'The revoked key.', content: json(res.keyReplySchema) } },
    errors: [404],
  },
  deleteKey: {
    method: 'DELETE',
    url: '/admin/keys/:keyId',
    operationId: 'deleteKey',
    summary: 'Revoke an API key (DELETE form)',
    tags: ['Admin'],
    access: 'admin',
    request: { params: req.keyParams },
    responses: { 200: { description: 'The revoked key.', content: json(res.keyReplySchema) } },
    errors: [404],
  },
  creditKey: {
    method: 'POST',
    url: '/admin/keys/:keyId/credit',
    operationId: 'creditKey',
    summary: "Credit (or adjust) a key's balance",
    tags: ['Admin'],
    access: 'admin',
    request: { params: req.keyParams, body: { required: true, content: json(req.creditSchema) } },
    responses: { 200: { description: 'The key after the credit.', content: json(res.keyReplySchema) } },
    errors: [400, 404, 409],
  },
  getUsage: {
    method: 'GET',
    url: '/admin/usage',
    operationId: 'getUsage',
    summary: "Everyone's usage and ledger",
    tags: ['Admin'],
    access: 'admin',
    request: { query: req.usageQuerySchema },
    responses: { 200: { description: 'Totals and a page of ledger entries.', content: json(res.usageReplySchema) } },
    errors: [400],
  },
  getServerInfo: {
    method: 'GET',
    url: '/admin/server',
    operationId: 'getServerInfo',
    summary: "The server's engine and settings",
    description: 'What the admin console shows: engines, billing, prices, retention, webhook schedule. Never a secret.',
    tags: ['Admin'],
    access: 'admin',
    request: {},
    responses: { 200: { description: 'The summary.', content: json(cs.serverInfoReplySchema) } },
    errors: [],
  },
  listModels: {
    method: 'GET',
    url: '/v1/models',
    operationId: 'listModels',
    summary: 'The models this server offers',
    description: 'An OpenAI-style list: each model with its operation, modes, fields, limits, defaults, price per second per resolution and the engine that runs it. Needs no key.',
    tags: ['Models'],
    access: 'public',
    request: {},
    responses: { 200: { description: 'The models.', content: json(ms.modelListSchema) } },
    errors: [],
  },
  getModelSchema: {
    method: 'GET',
    url: '/v1/model-schema',
    operationId: 'getModelSchema',
    summary: "A model's request as JSON Schema",
    description: 'The JSON Schema (draft 2020-12) of the create request of a model, without `model`: generated from the schema that validates create, so it cannot drift. Needs no key.',
    tags: ['Models'],
    access: 'public',
    request: { query: req.modelSchemaQuerySchema },
    responses: { 200: { description: 'The schema.', content: json(ms.modelInputSchemaReplySchema) } },
    errors: [400, 404],
  },
  getModelDocs: {
    method: 'GET',
    url: '/v1/model-docs',
    operationId: 'getModelDocs',
    summary: "A model's reference (Markdown)",
    description: "The model's reference in Markdown (fields, limits, modes, examples, billing), generated from the same schemas as this document; also served as Markdown at `markdown_url` and as a page at `doc_url`. Needs no key.",
    tags: ['Models'],
    access: 'public',
    request: { query: req.modelDocsQuerySchema },
    responses: { 200: { description: 'The reference.', content: json(ms.modelDocsReplySchema), headers: { 'Cache-Control': 'How long it may be kept (`cache_ttl_seconds`).' } } },
    errors: [400, 404],
  },
  getModelDocsMarkdown: {
    method: 'GET',
    url: '/docs/models/:model.md',
    operationId: 'getModelDocsMarkdown',
    summary: "A model's reference as Markdown",
    tags: ['Models'],
    access: 'public',
    request: { params: req.modelParams },
    responses: { 200: { description: 'The Markdown of GET /v1/model-docs.', content: { 'text/markdown': res.markdownSchema } } },
    errors: [404],
  },
  getModelDocsPage: {
    method: 'GET',
    url: '/docs/models/:model',
    operationId: 'getModelDocsPage',
    summary: "A model's reference as a page",
    tags: ['Models'],
    access: 'public',
    request: { params: req.modelParams },
    responses: { 200: { description: 'The reference, rendered (no script, no other host).', content: { 'text/html': res.htmlSchema } } },
    errors: [404],
  },
  createSession: {
    method: 'POST',
    url: '/console/session',
    operationId: 'createSession',
    summary: 'Sign in to the web console',
    description:
      'Exchanges an API key (in the body only) for a session cookie: HttpOnly, SameSite=Strict, Secure over HTTPS, signed, ' +
      'expiring (CONSOLE_SESSION_HOURS, never after the key expires). The cookie then authenticates any route like the key, ' +
      'as long as the key stays valid; state-changing requests must come from this server\'s pages (Origin). A cross-site Origin is a 403.',
    tags: ['Account'],
    access: 'public',
    request: { body: { required: true, content: json(cs.loginSchema) } },
    responses: { 200: { description: 'Signed in; the session cookie is set.', content: json(cs.sessionReplySchema), headers: { 'Set-Cookie': 'The session cookie.' } } },
    errors: [400, 401, 403],
  },
  deleteSession: {
    method: 'DELETE',
    url: '/console/session',
    operationId: 'deleteSession',
    summary: 'Sign out of the web console',
    description: 'Ends the session of the cookie sent (every copy of it stops working) and clears the cookie.',
    tags: ['Account'],
    access: 'public',
    request: {},
    responses: { 200: { description: 'Signed out.', content: json(cs.logoutReplySchema), headers: { 'Set-Cookie': 'Clears the session cookie.' } } },
    errors: [403],
  },
  health: {
    method: 'GET',
    url: '/healthz',
    operationId: 'health',
    summary: 'Liveness',
    tags: ['Service'],
    access: 'public',
    request: {},
    responses: { 200: { description: 'The server answers.', content: json(res.healthSchema) } },
    errors: [],
  },
  readiness: {
    method: 'GET',
    url: '/readyz',
    operationId: 'readiness',
    summary: 'Readiness',
    description:
      'Whether this process should get traffic: 200 when it is not draining and its store (and object storage, when configured) answer; ' +
      '503 otherwise. Redis is reported but does not make the process unready: the per-minute limiter then counts per process.',
    tags: ['Service'],
    access: 'public',
    request: {},
    responses: {
      200: { description: 'Ready.', content: json(res.readinessSchema) },
      503: { description: 'Draining, or a required dependency does not answer.', content: json(res.readinessSchema) },
    },
    errors: [],
  },
  metrics: {
    method: 'GET',
    url: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    description: 'HTTP, task, queue, upstream, webhook and ledger metrics of this process. Also served without a key on METRICS_PORT (loopback by default).',
    tags: ['Service'],
    access: 'admin',
    request: {},
    responses: { 200: { description: 'The metrics.', content: { 'text/plain': res.metricsTextSchema } } },
    errors: [],
  },
  getOpenApiDocument: {
    method: 'GET',
    url: '/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This OpenAPI document',
    tags: ['Service'],
    access: 'public',
    request: {},
    responses: { 200: { description: 'OpenAPI 3.1, with this server as its server URL.', content: json(res.openApiDocumentSchema) } },
    errors: [],
  },
  getDocs: {
    method: 'GET',
    url: '/docs',
    operationId: 'getDocs',
    summary: 'Interactive API docs',
    description: 'Swagger UI for this document, served from this server (works offline).',
    tags: ['Service'],
    access: 'public',
    request: {},
    responses: { 200: { description: 'The docs page.', content: { 'text/html': res.htmlSchema } } },
    errors: [],
  },
} as const satisfies Record<string, ApiRoute>;

export type ApiCatalogue = typeof api;

/** The static files of the docs page (Swagger UI's script, style and icons). */
export const docsAssetsUrl = '/docs/:asset';

/** The web console: `/` and `/console` lead to its page, `/console/*` serves the page and its static files. */
export const consolePages = { root: '/', page: '/console', files: '/console/*' } as const;

/** Routes the server registers on purpose without documenting them. */
export const undocumentedRoutes: readonly { method: HttpMethod; url: string; why: string }[] = [
  { method: 'GET', url: docsAssetsUrl, why: 'static files of the docs page' },
  { method: 'GET', url: consolePages.root, why: 'redirects to the web console' },
  { method: 'GET', url: consolePages.page, why: 'redirects to the web console' },
  { method: 'GET', url: consolePages.files, why: 'the web console page and its static files' },
];
