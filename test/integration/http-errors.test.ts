import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/start-test-server.js';

let server: TestServer;
beforeAll(async () => {
  // No workers: these tests only look at the HTTP edge.
  server = await startTestServer({ WORKER_CONCURRENCY: '0' });
});
afterAll(() => server.cleanup());

function expectEnvelope(json: any, status: number, param?: string, reason?: string) {
  expect(json.error.code).toBe(status);
  expect(typeof json.error.type).toBe('string');
  expect(typeof json.error.message).toBe('string');
  expect(json.request_id).toMatch(/^req_[0-9A-HJKMNP-TV-Z]{26}$/);
  if (param) expect(json.error.param).toBe(param);
  if (reason) expect(json.error.reason).toBe(reason);
}

describe('HTTP edge', () => {
  it('answers a valid create with the seed envelope and a task_ ULID id', async () => {
    const { status, json } = await server.api('POST', '/v1/videos/generations', { model: 'wan2.7', prompt: 'a cat' });
    expect(status).toBe(200);
    expect(json).toEqual({ code: 200, data: [{ status: 'submitted', task_id: expect.stringMatching(/^task_[0-9A-HJKMNP-TV-Z]{26}$/) }] });
    const task = await server.api('GET', `/v1/tasks/${json.data[0].task_id}`);
    expect(task.json.data).toMatchObject({ status: 'pending', mode: 't2v', model: 'wan2.7', progress: 0, queue_position: expect.any(Number) });
  });

  it('rejects a field rule with 400 naming param and reason', async () => {
    const { status, json } = await server.api('POST', '/v1/videos/generations', { model: 'wan2.7', prompt: 'x', duration: 99 });
    expect(status).toBe(400);
    expectEnvelope(json, 400, 'duration', 'out_of_range');
    expect(json.error.type).toBe('invalid_request_error');
  });

  it('refuses a media URL of another scheme at create with 400 naming the field', async () => {
    const { status, json } = await server.api('POST', '/v1/videos/generations', { model: 'wan2.7', image_urls: ['ftp://example.com/a.png'] });
    expect(status).toBe(400);
    expectEnvelope(json, 400, 'image_urls[0]', 'unsupported_url_scheme');
  });

  it('rejects malformed JSON with 400 invalid_json', async () => {
    const { status, json } = await server.api('POST', '/v1/videos/generations', '{"model": "wan2.7", prompt');
    expect(status).toBe(400);
    expectEnvelope(json, 400, 'body', 'invalid_json');
  });

  it('rejects __proto__ pollution attempts with 400', async () => {
    const { status } = await server.api('POST', '/v1/videos/generations', '{"model":"wan2.7","prompt":"x","__proto__":{"admin":true}}');
    expect(status).toBe(400);
  });

  it('rejects a body over the limit with 413', async () => {
    const { status, json } = await server.api('POST', '/v1/videos/generations', { model: 'wan2.7', prompt: 'x'.repeat(41 * 1024 * 1024) });
    expect(status).toBe(413);
    expectEnvelope(json, 413, 'body', 'body_too_large');
  });

  it('answers 401 without a key and with a bad key', async () => {
    const none = await server.api('GET', '/v1/tasks/task_x', undefined, null);
    expect(none.status).toBe(401);
    expectEnvelope(none.json, 401, undefined, 'missing_api_key');
    const bad = await server.api('GET', '/v1/tasks/task_x', undefined, 'wg_nope');
    expect(bad.status).toBe(401);
    expect(bad.json.error.type).toBe('authentication_error');
  });

  it('answers 404 in the envelope for unknown tasks and routes', async () => {
    const t = await server.api('GET', '/v1/tasks/task_01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(t.status).toBe(404);
    expectEnvelope(t.json, 404, 'task_id', 'task_not_found');
    const r = await server.api('GET', '/v1/nothing');
    expect(r.status).toBe(404);
  });

  it('lets the admin create a user key that is shown once and cannot use admin routes', async () => {
    const created = await server.api('POST', '/admin/keys', { name: 'app' });
    expect(created.status).toBe(200);
    const secret = created.json.data.key;
    expect(secret).toMatch(/^wg_/);
    const list = await server.api('GET', '/admin/keys');
    expect(JSON.stringify(list.json)).not.toContain(secret);
    const forbidden = await server.api('GET', '/admin/keys', undefined, secret);
    expect(forbidden.status).toBe(403);
    const own = await server.api('POST', '/v1/videos/generations', { model: 'wan2.7', prompt: 'x' }, secret);
    expect(own.status).toBe(200);
    // Another key's task answers exactly like an unknown id.
    const admins = await server.api('GET', `/v1/tasks/${own.json.data[0].task_id}`);
    expect(admins.status).toBe(404);
  });

  it('never answers 5xx to arbitrary JSON bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.string(), fc.record({ model: fc.constant('wan2.7') }, { requiredKeys: [] }).chain((base) => fc.dictionary(fc.constantFrom('prompt', 'duration', 'seed', 'image_urls', 'video_urls', 'resolution', 'size', 'image_with_roles', 'audio_url', 'watermark'), fc.jsonValue()).map((d) => ({ ...base, ...d })))), async (body) => {
        const raw = typeof body === 'string' ? body : JSON.stringify(body);
        const { status } = await server.api('POST', '/v1/videos/generations', raw);
        expect(status).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );
  });
});
