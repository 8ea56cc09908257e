/**
 * The OpenAPI document: the committed openapi.json is what the schemas generate (no drift), it
 * documents exactly the routes the server registers (both directions), it is a well-formed 3.1
 * document, and a running server serves it at /openapi.json with interactive docs at /docs.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCreateRequest } from '../../src/domain/request.js';
import { api, undocumentedRoutes } from '../../src/http/openapi/api-catalogue.js';
import { reasonCatalogue, reasons } from '../../src/domain/errors.js';
import { buildOpenApiDocument, committedOpenApiText, neutralServerUrl, toOpenApiPath } from '../../src/http/openapi/build-openapi.js';
import { withReadmeReasons } from '../../src/http/openapi/reason-docs.js';
import { startTestServer, type TestServer } from '../helpers/start-test-server.js';

const committedPath = fileURLToPath(new URL('../../openapi.json', import.meta.url));
const readmePath = fileURLToPath(new URL('../../README.md', import.meta.url));
const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** The first differing line of two texts, with a little context, for a readable failure. */
function firstDifference(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  const i = a.findIndex((line, n) => line !== b[n]);
  const at = i < 0 ? Math.min(a.length, b.length) : i;
  const show = (lines: string[]) => lines.slice(Math.max(0, at - 2), at + 3).map((l, k) => `  ${Math.max(0, at - 2) + k + 1}: ${l}`).join('\n');
  return `first difference at line ${at + 1}\n generated:\n${show(a)}\n committed:\n${show(b)}`;
}

function operations(doc: any): { key: string; path: string; method: string; op: any }[] {
  return Object.entries(doc.paths as Record<string, any>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => methods.includes(method))
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, method, op })),
  );
}

/** Every `$ref` in the document, with where it was found. */
function refs(node: unknown, at = '#'): { ref: string; at: string }[] {
  if (Array.isArray(node)) return node.flatMap((v, i) => refs(v, `${at}/${i}`));
  if (node && typeof node === 'object') {
    return Object.entries(node).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [{ ref: v, at }] : refs(v, `${at}/${k}`)));
  }
  return [];
}

function resolvePointer(doc: any, ref: string): unknown {
  return ref
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<any>((node, key) => (node === undefined ? undefined : node[key]), doc);
}

describe('the committed openapi.json', () => {
  it('is exactly what the route catalogue and its schemas generate', async () => {
    const committed = await readFile(committedPath, 'utf8').catch(() => '');
    const generated = committedOpenApiText();
    if (committed !== generated) {
      expect.fail(`openapi.json is out of date with the schemas: run \`npm run openapi\` and commit the result.\n${firstDifference(generated, committed)}`);
    }
  });

  it("README.md's table of error reasons is what the reason catalogue generates", async () => {
    const readme = await readFile(readmePath, 'utf8');
    const generated = withReadmeReasons(readme);
    if (readme !== generated) expect.fail(`README.md's reason table is out of date: run \`npm run openapi\` and commit the result.\n${firstDifference(generated, readme)}`);
  });

  it('uses the neutral server URL, not a machine-specific one', async () => {
    const doc = JSON.parse(await readFile(committedPath, 'utf8'));
    expect(doc.servers).toEqual([{ url: neutralServerUrl }]);
    expect(doc.openapi).toMatch(/^3\.1\./);
  });
});

describe('the generated document', () => {
  const doc: any = buildOpenApiDocument();

  it('documents every catalogued reason, each with its meaning, for errors and failed tasks alike', () => {
    const reason = doc.components.schemas.ErrorReason;
    expect(reason.enum).toEqual(reasons);
    expect(reason['x-enum-descriptions']).toHaveLength(reasons.length);
    reasons.forEach((r, i) => expect(reason['x-enum-descriptions'][i]).toContain(reasonCatalogue[r].meaning));
    const ref = { $ref: '#/components/schemas/ErrorReason' };
    expect(doc.components.schemas.ErrorEnvelope.properties.error.properties.reason).toEqual(ref);
    expect(doc.components.schemas.Task.properties.error.properties.reason).toEqual(ref);
  });

  it('resolves every $ref inside the document', () => {
    const broken = refs(doc).filter(({ ref }) => !ref.startsWith('#/') || resolvePointer(doc, ref) === undefined);
    expect(broken).toEqual([]);
  });

  it('has unique operationIds and declares every path parameter of every path', () => {
    const ops = operations(doc);
    const ids = ops.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { key, path, op } of ops) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = (op.parameters ?? []).filter((p: any) => p.in === 'path').map((p: any) => p.name).sort();
      expect(declared, key).toEqual(templated);
      expect(Object.keys(op.responses).length, key).toBeGreaterThan(0);
    }
  });

  it('marks exactly the public routes with security: [] and secures the rest with the bearer key', () => {
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ apiKey: [] }]);
    const open = operations(doc).filter((o) => Array.isArray(o.op.security) && o.op.security.length === 0).map((o) => o.key).sort();
    expect(open).toEqual([
      'DELETE /console/session',
      'GET /docs',
      'GET /docs/models/{model}',
      'GET /docs/models/{model}.md',
      'GET /files/{path}',
      'GET /healthz',
      'GET /openapi.json',
      'GET /readyz',
      'GET /v1/model-docs',
      'GET /v1/model-schema',
      'GET /v1/models',
      'POST /console/session',
    ]);
    for (const o of operations(doc).filter((o) => !open.includes(o.key))) expect(o.op.responses['401'], o.key).toBeDefined();
  });

  it('describes request bodies with the validating schemas (unknown fields refused)', () => {
    const create = doc.components.schemas.CreateGenerationRequest;
    expect(create.additionalProperties).toBe(false);
    expect(create.required).toEqual(['model']);
    expect(create.properties.duration).toMatchObject({ type: 'integer', minimum: 2, maximum: 15 });
    expect(create.properties.resolution.pattern).toBe('^(720[Pp]|1080[Pp])$');
    const list = doc.paths['/v1/tasks'].get.parameters.find((p: any) => p.name === 'limit');
    expect(list).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } });
    const idem = doc.paths['/v1/videos/generations'].post.parameters.find((p: any) => p.name === 'Idempotency-Key');
    expect(idem).toMatchObject({ in: 'header', schema: { type: 'string', minLength: 1, maxLength: 191, pattern: '^[\\x21-\\x7E]+$' } });
  });
});

describe("the seed platform's current contract in the document", () => {
  const doc: any = buildOpenApiDocument();

  it('documents the response version header and both create shapes, and the replay header', () => {
    const create = doc.paths['/v1/videos/generations'].post;
    expect(create.parameters.find((p: any) => p.name === 'X-APIMart-Response-Version')).toMatchObject({ in: 'header', required: false });
    const ok = create.responses['200'];
    expect(ok.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreateGenerationReplyAnyVersion' });
    expect(Object.keys(ok.headers)).toEqual(expect.arrayContaining(['Idempotency-Replayed', 'X-APIMart-Response-Version']));
    expect(doc.components.schemas.CreateGenerationReplyAnyVersion.anyOf).toEqual([
      { $ref: '#/components/schemas/CreateGenerationReply' },
      { $ref: '#/components/schemas/CreateGenerationReply20260727' },
    ]);
    const v2 = doc.components.schemas.CreateGenerationReply20260727;
    expect(v2.required).toEqual(['data', 'request_id']);
    expect(v2.properties.data.properties.object).toEqual({ type: 'string', const: 'generation.task' });
    expect(v2.properties.data.required).toEqual(expect.arrayContaining(['object', 'id', 'status']));
  });

  it('documents the discovery routes, the flat image upload and the language of task errors', () => {
    for (const path of ['/v1/models', '/v1/model-schema', '/v1/model-docs', '/docs/models/{model}', '/docs/models/{model}.md']) expect(doc.paths[path]?.get, path).toBeDefined();
    expect(doc.paths['/v1/uploads/images'].post.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ImageUploadReply' });
    expect(doc.components.schemas.ImageUploadReply.required).toEqual(expect.arrayContaining(['url', 'filename', 'content_type', 'bytes', 'created_at']));
    expect(doc.paths['/v1/tasks/{taskId}'].get.parameters.find((p: any) => p.name === 'language')).toMatchObject({ in: 'query', schema: { enum: ['zh', 'en', 'ko', 'ja'] } });
  });
});

describe('the create body of the family', () => {
  const doc: any = buildOpenApiDocument();
  const body = doc.paths['/v1/videos/generations'].post.requestBody.content['application/json'];

  it('is a union told apart by model, one member per model', () => {
    const union = doc.components.schemas[body.schema.$ref.split('/').pop()];
    expect(union.oneOf.map((m: any) => m.$ref)).toEqual(Object.values(union.discriminator.mapping));
    expect(union.discriminator.propertyName).toBe('model');
    for (const [model, ref] of Object.entries(union.discriminator.mapping)) {
      expect(resolvePointer(doc, ref as string)).toMatchObject({ additionalProperties: false, properties: { model: { const: model } } });
    }
    expect(Object.keys(union.discriminator.mapping)).toEqual(['wan2.7', 'wan2.7-r2v', 'wan2.7-videoedit']);
  });

  it('has examples of every model, each accepted as it stands', () => {
    const examples = Object.values(body.examples as Record<string, { value: { model: string } }>);
    expect(new Set(examples.map((e) => e.value.model))).toEqual(new Set(['wan2.7', 'wan2.7-r2v', 'wan2.7-videoedit']));
    for (const e of examples) expect(() => parseCreateRequest(e.value, () => 1), JSON.stringify(e.value)).not.toThrow();
  });
});

describe('the route table and the document', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '0' });
  });
  afterAll(async () => {
    await server?.cleanup();
  });

  it('documents every route the server registers, and no route it lacks', () => {
    const excluded = new Set(undocumentedRoutes.map((r) => `${r.method} ${r.url}`));
    const registered = new Set(server.routes.filter((r) => !excluded.has(`${r.method} ${r.url}`)).map((r) => `${r.method} ${toOpenApiPath(r.url)}`));
    const documented = new Set(operations(buildOpenApiDocument()).map((o) => o.key));
    const undocumented = [...registered].filter((k) => !documented.has(k)).sort();
    const phantom = [...documented].filter((k) => !registered.has(k)).sort();
    // undocumented: add the route to src/http/openapi/api-catalogue.ts (or to undocumentedRoutes, saying why);
    // phantom: the catalogue lists a route no handler registers.
    expect({ undocumented, phantom }).toEqual({ undocumented: [], phantom: [] });
    // The exclusions are real routes, not stale entries.
    for (const r of undocumentedRoutes) expect(server.routes, `${r.method} ${r.url}`).toContainEqual({ method: r.method, url: r.url });
    expect(Object.keys(api).length).toBe(documented.size);
  });

  it('serves the document at /openapi.json with this server as its server URL', async () => {
    const res = await fetch(`${server.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const served = await res.json();
    expect(served.servers).toEqual([{ url: server.url }]);
    expect(served).toEqual(buildOpenApiDocument(server.url));
    expect({ ...served, servers: undefined }).toEqual({ ...JSON.parse(committedOpenApiText()), servers: undefined });
  });

  it('serves interactive docs at /docs from its own files only (works offline)', async () => {
    const page = await fetch(`${server.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('id="swagger-ui"');
    const linked = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(linked.length).toBeGreaterThanOrEqual(3);
    for (const link of linked) {
      expect(link, 'no other host: the page must work offline').not.toMatch(/^(https?:)?\/\//);
      const asset = await fetch(new URL(link, `${server.url}/docs`));
      expect(asset.status, link).toBe(200);
      const body = await asset.text();
      expect(body.length, link).toBeGreaterThan(0);
      if (link.endsWith('.js')) expect(asset.headers.get('content-type'), link).toMatch(/javascript/);
      if (link.endsWith('.css')) expect(asset.headers.get('content-type'), link).toMatch(/^text\/css/);
    }
    const init = await (await fetch(`${server.url}/docs/init.js`)).text();
    expect(init).toContain("'openapi.json'");
    expect(init).toContain('validatorUrl: null');
    expect(init).not.toMatch(/https?:\/\//);
  });

  it('answers an unknown docs file with the error envelope, never a file outside the page', async () => {
    for (const name of ['nope.js', 'package.json', '..%2Fpackage.json', 'index.html']) {
      const res = await server.api('GET', `/docs/${name}`, undefined, null);
      expect(res.status, name).toBe(404);
      expect(res.json.error, name).toMatchObject({ type: 'not_found_error' });
    }
  });
});
