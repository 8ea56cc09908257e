import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../app/deps.js';
import { AppError, invalidField } from '../../domain/errors.js';
import { modelCatalogue, type ModelInfo } from '../../domain/model-catalogue.js';
import { modelInputSchema, modelRequestSchemas } from '../../domain/model-request-schemas.js';
import type { ModelDocsJson } from '../../present/model-schemas.js';
import { presentModel } from '../../present/present-models.js';
import { api } from '../openapi/api-catalogue.js';
import { toRequestJsonSchema } from '../openapi/build-openapi.js';
import { modelDocsMarkdown } from '../openapi/model-docs.js';
import { modelDocsPageHtml, modelDocsPagePolicy } from '../openapi/model-docs-page.js';
import type { ModelParams } from '../openapi/request-schemas.js';
import { parseInput } from '../query-schemas.js';

export type ModelRouteDeps = Pick<AppDeps, 'prices' | 'engine' | 'baseUrl' | 'clock' | 'resultUrlTtlMs' | 'retention'>;

/** How long a client may keep a model's reference (it changes only with the server's code or prices). */
const docsCacheTtlSeconds = 3600;

const schemas = modelRequestSchemas();

/** The JSON Schema of each model's request without `model`, converted once. */
const inputJsonSchemas = new Map([...schemas].map(([id, schema]) => [id, toRequestJsonSchema(modelInputSchema(schema))]));

function findModel(id: string): ModelInfo {
  const model = modelCatalogue.find((m) => m.id === id);
  if (!model || !inputJsonSchemas.has(id)) {
    throw new AppError('not_found', `No model '${id}' on this server (models: ${modelCatalogue.map((m) => m.id).join(', ')})`, { param: 'model', reason: 'model_not_found' });
  }
  return model;
}

/**
 * The seed platform's discovery routes, public like the OpenAPI document (no secret in them): the
 * models with their limits and prices, each model's request as JSON Schema, and its reference as
 * JSON, Markdown and a page. All generic over the model catalogue and the create schema.
 */
export function registerModelRoutes(app: FastifyInstance, deps: ModelRouteDeps): void {
  const entry = (m: ModelInfo) => presentModel(m, deps.prices, deps.engine);
  // Generated once per model and base URL; fetched_at says when.
  const cache = new Map<string, { baseUrl: string; markdown: string; generatedAtMs: number }>();
  const reference = (m: ModelInfo) => {
    const baseUrl = deps.baseUrl();
    const hit = cache.get(m.id);
    if (hit?.baseUrl === baseUrl) return hit;
    const markdown = modelDocsMarkdown({
      model: m,
      entry: entry(m),
      inputSchema: inputJsonSchemas.get(m.id)!,
      baseUrl,
      resultUrlTtlSeconds: Math.min(deps.resultUrlTtlMs, deps.retention.resultsMs) / 1000,
      uploadRetentionSeconds: deps.retention.uploadsMs / 1000,
    });
    const fresh = { baseUrl, markdown, generatedAtMs: deps.clock.nowMs() };
    cache.set(m.id, fresh);
    return fresh;
  };
  const docsUrls = (m: ModelInfo) => {
    const page = `${deps.baseUrl()}/docs/models/${encodeURIComponent(m.id)}`;
    return { doc_url: page, markdown_url: `${page}.md` };
  };
  const cacheFor = (reply: FastifyReply) => reply.header('cache-control', `public, max-age=${docsCacheTtlSeconds}`);

  app.get(api.listModels.url, async () => ({ object: 'list' as const, data: modelCatalogue.map(entry) }));

  app.get(api.getModelSchema.url, async (request) => {
    const q = parseInput(api.getModelSchema.request.query, request.query);
    const model = findModel(q.model);
    if (q.operation !== undefined && q.operation !== model.operation) {
      throw invalidField('operation', 'invalid_value', `operation: model '${model.id}' has the operation '${model.operation}' only, not '${q.operation}'`);
    }
    return { model: model.id, operation: model.operation, input_schema: inputJsonSchemas.get(model.id)! };
  });

  app.get(api.getModelDocs.url, async (request, reply) => {
    const model = findModel(parseInput(api.getModelDocs.request.query, request.query).model);
    const doc = reference(model);
    cacheFor(reply);
    return {
      object: 'model.documentation',
      model: model.id,
      ...docsUrls(model),
      markdown: doc.markdown,
      fetched_at: Math.floor(doc.generatedAtMs / 1000),
      cache_ttl_seconds: docsCacheTtlSeconds,
      stale: false,
    } satisfies ModelDocsJson;
  });

  app.get<{ Params: ModelParams }>(api.getModelDocsMarkdown.url, async (request, reply) => {
    const model = findModel(request.params.model);
    return cacheFor(reply).header('content-type', 'text/markdown; charset=utf-8').header('x-content-type-options', 'nosniff').send(reference(model).markdown);
  });

  app.get<{ Params: ModelParams }>(api.getModelDocsPage.url, async (request, reply) => {
    const model = findModel(request.params.model);
    const html = modelDocsPageHtml(model.id, reference(model).markdown, docsUrls(model).markdown_url);
    return cacheFor(reply)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', modelDocsPagePolicy)
      .header('x-content-type-options', 'nosniff')
      .send(html);
  });
}
