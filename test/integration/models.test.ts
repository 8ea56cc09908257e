/**
 * The discovery routes over HTTP: GET /v1/models, GET /v1/model-schema (a JSON Schema that accepts and
 * refuses exactly what create does), GET /v1/model-docs with its Markdown and page. Public: no key.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestSchema } from '../../src/domain/request.js';
import { toRequestJsonSchema } from '../../src/http/openapi/build-openapi.js';
import * as ms from '../../src/present/model-schemas.js';
import { startTestServer, type TestServer } from '../helpers/start-test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ WORKER_CONCURRENCY: '0', WANGATE_PRICE_720P: '0.6', WANGATE_PRICE_1080P: '1', WANGATE_CURRENCY: 'CNY' });
});
afterAll(async () => {
  await server?.cleanup();
});

const get = (path: string) => server.api('GET', path, undefined, null);

describe('GET /v1/models', () => {
  it("lists wan2.7 OpenAI-style with its operation, modes, limits and this server's prices, without a key", async () => {
    const res = await get('/v1/models');
    expect(res.status).toBe(200);
    expect(ms.modelListSchema.safeParse(res.json).success).toBe(true);
    expect(res.json.object).toBe('list');
    const wan = res.json.data.find((m: any) => m.id === 'wan2.7');
    expect(wan).toMatchObject({
      object: 'model',
      operation: 'video_generation',
      limits: { duration: { min: 2, max: 15 }, prompt_max_chars: 5000 },
      pricing: { currency: 'CNY', unit: 'second', per_second: { '720P': { amount: '0.60', amount_minor: 6000 }, '1080P': { amount: '1.00', amount_minor: 10000 } } },
    });
    expect(wan.modes.map((m: any) => m.id)).toEqual(['t2v', 'i2v_first_frame', 'i2v_first_last', 'video_continuation']);
  });
});

describe('GET /v1/model-schema', () => {
  it('answers the JSON Schema of the create request without model, generated from the validating schema', async () => {
    for (const query of ['model=wan2.7', 'model=wan2.7&operation=video_generation']) {
      const res = await get(`/v1/model-schema?${query}`);
      expect(res.status, query).toBe(200);
      expect(ms.modelInputSchemaReplySchema.safeParse(res.json).success).toBe(true);
      expect(res.json).toEqual({ model: 'wan2.7', operation: 'video_generation', input_schema: toRequestJsonSchema(createRequestSchema.omit({ model: true })) });
    }
  });

  it('accepts and refuses what create accepts and refuses (checked by a JSON Schema validator)', async () => {
    const schema = (await get('/v1/model-schema?model=wan2.7')).json.input_schema;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    const key = (await server.api('POST', '/admin/keys', { name: 'schema' })).json.data.key;
    const cases: [object, boolean][] = [
      [{ prompt: 'a kite', duration: 5, resolution: '720p', size: '1:1' }, true],
      [{ prompt: 'a kite', duration: 16 }, false],
      [{ prompt: 'a kite', duration: 2.5 }, false],
      [{ prompt: 'a kite', resolution: '4K' }, false],
      [{ prompt: 'a kite', colour: 'red' }, false],
      [{ prompt: 'a kite', image_urls: [] }, false],
      [{ prompt: 'x'.repeat(5001) }, false],
      [{ prompt: 'a kite', seed: -1 }, false],
      [{ prompt: 'a kite', watermark: 'yes' }, false],
    ];
    for (const [input, valid] of cases) {
      expect(validate(input), JSON.stringify(input).slice(0, 80)).toBe(valid);
      const created = await server.api('POST', '/v1/videos/generations', { model: 'wan2.7', ...input }, key);
      expect(created.status, JSON.stringify(input).slice(0, 80)).toBe(valid ? 200 : 400);
    }
  });

  it('an unknown model is a 404 naming model; an operation it lacks, a 400 naming operation', async () => {
    const unknown = await get('/v1/model-schema?model=wan9');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatchObject({ type: 'not_found_error', param: 'model', reason: 'model_not_found' });
    const operation = await get('/v1/model-schema?model=wan2.7&operation=image_generation');
    expect(operation.status).toBe(400);
    expect(operation.json.error).toMatchObject({ type: 'invalid_request_error', param: 'operation', reason: 'invalid_value' });
    const missing = await get('/v1/model-schema');
    expect(missing.json.error).toMatchObject({ param: 'model', reason: 'required' });
    const typo = await get('/v1/model-schema?model=wan2.7&opertion=video_generation');
    expect(typo.json.error).toMatchObject({ param: 'opertion', reason: 'unknown_field' });
  });
});

describe('GET /v1/model-docs', () => {
  it('answers the reference in Markdown, also served at markdown_url and as a page at doc_url', async () => {
    const res = await get('/v1/model-docs?model=wan2.7');
    expect(res.status).toBe(200);
    expect(ms.modelDocsReplySchema.safeParse(res.json).success).toBe(true);
    expect(res.json).toMatchObject({
      object: 'model.documentation',
      model: 'wan2.7',
      doc_url: `${server.url}/docs/models/wan2.7`,
      markdown_url: `${server.url}/docs/models/wan2.7.md`,
      cache_ttl_seconds: 3600,
      stale: false,
    });
    expect(Math.abs(res.json.fetched_at - Date.now() / 1000)).toBeLessThan(600);
    const markdown: string = res.json.markdown;
    for (const heading of ['## Modes', '## Fields', '## Limits', '## Output', '## Billing', '## Examples']) expect(markdown).toContain(heading);
    expect(markdown).toContain('| 720P | 0.60 CNY |');

    const md = await fetch(res.json.markdown_url);
    expect(md.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(await md.text()).toBe(markdown);

    const page = await fetch(res.json.doc_url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
    const html = await page.text();
    expect(html).toContain('<h2>Fields</h2>');
    expect(html).not.toMatch(/<script|https?:\/\/(?!localhost|127\.0\.0\.1|example\.com)/);
  });

  it('an unknown model is a 404 naming model, on every form of the reference', async () => {
    expect((await get('/v1/model-docs?model=nope')).json.error).toMatchObject({ param: 'model', reason: 'model_not_found' });
    for (const path of ['/docs/models/nope', '/docs/models/nope.md']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.json.error, path).toMatchObject({ param: 'model', reason: 'model_not_found' });
    }
  });
});
