import { createRequire } from 'node:module';
import { z } from 'zod';
import { modelRequestSchemas } from '../../domain/model-request-schemas.js';
import { familyRequestSchema } from '../../domain/request.js';
import { resolutionField } from '../../domain/request-fields.js';
import { api, type Access, type ApiRoute, type BodySpec, type ResponseSpec } from './api-catalogue.js';
import * as req from './request-schemas.js';
import { reasonDescriptions, reasonRule } from './reason-docs.js';
import * as res from '../../present/response-schemas.js';
import * as ms from '../../present/model-schemas.js';

/**
 * Generates the OpenAPI 3.1 document from the route catalogue with zod's own z.toJSONSchema (JSON
 * Schema draft 2020-12, the dialect of OpenAPI 3.1). Pure: the same catalogue and server URL give the
 * same document, byte for byte, which is what the drift test compares with the committed openapi.json.
 */

type Json = Record<string, unknown>;

/** The server URL of the committed document; a running server puts its own base URL instead. */
export const neutralServerUrl = 'http://localhost:8080';

const target = 'draft-2020-12';

/** The component of each model's body (wan2.7 keeps its historic name). */
const modelComponentNames: Record<string, string> = {
  'wan2.7': 'CreateGenerationRequest',
  'wan2.7-r2v': 'CreateReferenceToVideoRequest',
  'wan2.7-videoedit': 'CreateVideoEditRequest',
};
const modelComponents = [...modelRequestSchemas(familyRequestSchema)].map(([id, schema]): [z.ZodType, string] => {
  const name = modelComponentNames[id];
  if (!name) throw new Error(`no OpenAPI component name for model '${id}'`);
  return [schema, name];
});

/** Named schemas become components (and `$ref`s wherever they appear). Requests are shown as clients send them. */
const requestComponents: [z.ZodType, string][] = [
  [familyRequestSchema, 'CreateVideoGenerationRequest'],
  ...modelComponents,
  [req.createKeySchema, 'CreateKeyRequest'],
  [req.updateKeySchema, 'UpdateKeyRequest'],
  [req.keyLimitsSchema, 'KeyLimitsInput'],
  [req.creditSchema, 'CreditRequest'],
  [req.multipartUploadSchema, 'MultipartUpload'],
];
const responseComponents: [z.ZodType, string][] = [
  [res.errorEnvelopeSchema, 'ErrorEnvelope'],
  [res.errorReasonEnum, 'ErrorReason'],
  [res.taskSchema, 'Task'],
  [res.createReplySchema, 'CreateGenerationReply'],
  [res.createReply20260727Schema, 'CreateGenerationReply20260727'],
  [res.createReplyAnyVersionSchema, 'CreateGenerationReplyAnyVersion'],
  [res.taskReplySchema, 'TaskReply'],
  [res.taskListReplySchema, 'TaskListReply'],
  [res.usageSchema, 'Usage'],
  [res.usageReplySchema, 'UsageReply'],
  [res.keySchema, 'Key'],
  [res.keyReplySchema, 'KeyReply'],
  [res.keyListReplySchema, 'KeyListReply'],
  [res.ownKeyReplySchema, 'OwnKeyReply'],
  [res.createdKeyReplySchema, 'CreatedKeyReply'],
  [res.fileSchema, 'File'],
  [res.fileReplySchema, 'FileReply'],
  [res.imageUploadReplySchema, 'ImageUploadReply'],
  [res.webhookDeliverySchema, 'WebhookDelivery'],
  [res.taskWebhooksReplySchema, 'TaskWebhooksReply'],
  [res.redeliveryReplySchema, 'RedeliveryReply'],
  [res.healthSchema, 'Health'],
  [ms.modelSchema, 'Model'],
  [ms.modelListSchema, 'ModelList'],
  [ms.modelInputSchemaReplySchema, 'ModelSchemaReply'],
  [ms.modelDocsReplySchema, 'ModelDocsReply'],
];

const maxSafe = Number.MAX_SAFE_INTEGER;

/**
 * `resolution` is a string upper-cased before its enum check: a transform, which JSON Schema cannot
 * see (the input side shows a bare string). Shown as the enum's values in any letter case.
 */
const resolutionPipe = resolutionField;
const anyCase = (value: string) => value.replace(/[a-z]/gi, (c) => `[${c.toUpperCase()}${c.toLowerCase()}]`);

function override(ctx: { zodSchema: z.core.$ZodType; jsonSchema: z.core.JSONSchema.BaseSchema }): void {
  const s = ctx.jsonSchema;
  // zod's implicit safe-integer bounds of z.int() say nothing a client needs.
  if (s.minimum === -maxSafe) delete s.minimum;
  if (s.maximum === maxSafe) delete s.maximum;
  if (ctx.zodSchema === familyRequestSchema) {
    // The union is told apart by `model`: say so, so clients and the docs pick the right member.
    s.discriminator = {
      propertyName: 'model',
      mapping: Object.fromEntries([...modelRequestSchemas(familyRequestSchema).keys()].map((id) => [id, `#/components/schemas/${modelComponentNames[id]}`])),
    };
    s.description = 'The create body of any model of the family, told apart by `model`.';
  }
  if (ctx.zodSchema === resolutionPipe) {
    const values = resolutionPipe.out.options;
    s.pattern = `^(${values.map(anyCase).join('|')})$`;
    s.description ??= `${values.join(' or ')}, in any letter case (normalised to upper case).`;
  }
  // The reason catalogue, value by value (the extension code generators such as openapi-generator read).
  if (ctx.zodSchema === res.errorReasonEnum) {
    s.description = reasonRule;
    s['x-enum-descriptions'] = reasonDescriptions();
  }
}

/** Components of one direction (input or output), cross-referenced by `#/components/schemas/<name>`. */
function componentSchemas(named: [z.ZodType, string][], io: 'input' | 'output'): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of named) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target, io, override, unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _dialect, $id: _id, ...rest } = schema as Json;
      return [id, rest];
    }),
  );
}

/** A schema by reference when it is a component, else converted in place. */
function schemaOf(schema: z.ZodType, names: Map<z.ZodType, string>, io: 'input' | 'output'): Json {
  const name = names.get(schema);
  if (name) return { $ref: `#/components/schemas/${name}` };
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target, io, override, unrepresentable: 'any' }) as Json;
  return rest;
}

/**
 * A request schema as a standalone JSON Schema (draft 2020-12), as clients send it: what GET
 * /v1/model-schema answers and the MCP tools take, converted exactly like the document's components.
 */
export function toRequestJsonSchema(schema: z.ZodType): Json {
  return z.toJSONSchema(schema, { target, io: 'input', override, unrepresentable: 'any' }) as Json;
}

/** `/v1/tasks/:taskId` -> `/v1/tasks/{taskId}`; the wildcard of `/files/*` is the parameter `path`. */
export function toOpenApiPath(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{path}');
}

/** Path, query and header parameters from the object schemas that validate them. */
function parametersOf(route: ApiRoute): Json[] {
  const out: Json[] = [];
  const from = (schema: z.ZodObject | undefined, where: 'path' | 'query' | 'header') => {
    if (!schema) return;
    const converted = z.toJSONSchema(schema, { target, io: 'input', override, unrepresentable: 'any' }) as Json;
    const properties = (converted.properties ?? {}) as Record<string, Json>;
    const required = new Set((converted.required ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      const { description, ...propertySchema } = property;
      out.push({
        name: where === 'path' && name === '*' ? 'path' : name,
        in: where,
        ...(typeof description === 'string' && { description }),
        required: where === 'path' || required.has(name),
        schema: propertySchema,
      });
    }
  };
  from(route.request.params, 'path');
  from(route.request.query, 'query');
  from(route.request.headers, 'header');
  return out;
}

const errorDescriptions: Record<number, [string, string]> = {
  400: ['BadRequest', 'Invalid input: `param` names the field, `reason` the rule.'],
  401: ['Unauthorized', 'Missing, invalid, revoked or expired API key.'],
  402: ['PaymentRequired', "The key's balance is too low for the hold."],
  403: ['Forbidden', 'The key lacks the scope, or a signed link is invalid or expired.'],
  404: ['NotFound', "Unknown id, or another key's (existence never leaks)."],
  409: ['Conflict', 'The request conflicts with the current state (e.g. an Idempotency-Key reused with another body).'],
  410: ['Gone', 'Retention deleted the resource.'],
  412: ['PreconditionFailed', 'If-Match / If-Unmodified-Since did not match.'],
  413: ['PayloadTooLarge', 'Body or upload too large.'],
  416: ['RangeNotSatisfiable', 'The Range lies outside the file.'],
  429: ['RateLimited', 'Per-key rate, concurrency or queue limit; see Retry-After.'],
  500: ['ServerError', 'A bug; never for bad input.'],
};

const commonErrors: Record<Access, number[]> = { public: [500], user: [401, 429, 500], admin: [401, 403, 429, 500] };

function errorResponses(): Record<string, Json> {
  return Object.fromEntries(
    Object.entries(errorDescriptions).map(([status, [name, description]]) => [
      name,
      {
        description,
        ...(status === '429' && { headers: { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } } } }),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
      },
    ]),
  );
}

function contentOf(content: Record<string, z.ZodType>, names: Map<z.ZodType, string>, io: 'input' | 'output', examples?: BodySpec['examples']): Json {
  return Object.fromEntries(
    Object.entries(content).map(([mediaType, schema], i) => [mediaType, { schema: schemaOf(schema, names, io), ...(examples && i === 0 && { examples }) }]),
  );
}

function responseOf(spec: ResponseSpec, names: Map<z.ZodType, string>): Json {
  return {
    description: spec.description,
    ...(spec.headers && {
      headers: Object.fromEntries(Object.entries(spec.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }])),
    }),
    ...(spec.content && { content: contentOf(spec.content, names, 'output') }),
  };
}

function operationOf(route: ApiRoute, inputNames: Map<z.ZodType, string>, outputNames: Map<z.ZodType, string>): Json {
  const parameters = parametersOf(route);
  const body = route.request.body;
  const statuses = [...new Set([...route.errors, ...commonErrors[route.access]])].sort((a, b) => a - b);
  const responses: Json = {};
  for (const [status, spec] of Object.entries(route.responses)) responses[status] = responseOf(spec, outputNames);
  for (const status of statuses) {
    const named = errorDescriptions[status];
    if (!named) throw new Error(`${route.operationId}: no description for error status ${status}`);
    responses[String(status)] = { $ref: `#/components/responses/${named[0]}` };
  }
  const scope = route.access === 'admin' ? 'Requires a key with the `admin` scope.' : '';
  const description = [route.description ?? '', scope].filter(Boolean).join('\n\n');
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(description && { description }),
    tags: [...route.tags],
    ...(route.access === 'public' && { security: [] }),
    ...(parameters.length > 0 && { parameters }),
    ...(body && {
      requestBody: {
        ...(body.description && { description: body.description }),
        required: body.required ?? false,
        content: contentOf(body.content, inputNames, 'input', body.examples),
      },
    }),
    responses,
  };
}

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };

/** The OpenAPI 3.1 document of every catalogued route, with `serverUrl` as its only server. */
export function buildOpenApiDocument(serverUrl: string = neutralServerUrl): Json {
  const inputNames = new Map(requestComponents);
  const outputNames = new Map(responseComponents);
  const input = componentSchemas(requestComponents, 'input');
  const output = componentSchemas(responseComponents, 'output');
  const clash = Object.keys(input).find((name) => name in output);
  if (clash) throw new Error(`component name '${clash}' is used for a request and a response schema`);

  const paths: Record<string, Record<string, Json>> = {};
  for (const route of Object.values(api) as ApiRoute[]) {
    const path = toOpenApiPath(route.url);
    const method = route.method.toLowerCase();
    const item = (paths[path] ??= {});
    if (item[method]) throw new Error(`${route.method} ${path} is catalogued twice`);
    item[method] = operationOf(route, inputNames, outputNames);
  }

  return {
    openapi: '3.1.1',
    info: {
      title: 'wangate',
      version,
      summary: 'Self-hostable gateway for the Wan2.7 unified-entry video API.',
      description:
        'Create video generations with the Wan2.7 family (text-to-video, image-to-video, continuation, reference-to-video, video editing), ' +
        'follow and download them, upload media, ' +
        'and manage keys and balances. Authenticate with `Authorization: Bearer <API key>`. Every answer carries `x-request-id`; ' +
        'every error uses the envelope `{"error": {...}, "request_id": "req_…"}`. ' +
        'Response versions: without `X-APIMart-Response-Version` every answer has the first version of the seed page; ' +
        'with `X-APIMart-Response-Version: 2026-07-27` create answers one task object (`data.id`) and the header is echoed. ' +
        'An unknown version is answered in the first version, never refused. Task reads have one shape in both.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    tags: [
      { name: 'Tasks', description: 'Create, follow, cancel and download video generations.' },
      { name: 'Models', description: 'The models of the Wan2.7 family this server offers.' },
      { name: 'Files', description: 'Uploads usable as media, and signed downloads.' },
      { name: 'Webhooks', description: 'Terminal-state webhooks of a task.' },
      { name: 'Account', description: 'The calling key.' },
      { name: 'Models', description: 'The models this server offers: their limits and prices, request schemas and references (no key needed).' },
      { name: 'Admin', description: 'Keys, balances and usage of everyone (admin scope).' },
      { name: 'Service', description: 'Health and documentation.' },
    ],
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer wg_…`.' } },
      schemas: { ...input, ...output },
      responses: errorResponses(),
    },
  };
}

/** The committed form of the document (openapi.json at the repository root): neutral server, 2-space JSON. */
export function committedOpenApiText(): string {
  return `${JSON.stringify(buildOpenApiDocument(neutralServerUrl), null, 2)}\n`;
}
