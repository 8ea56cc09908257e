/**
 * The security suite, part two: what one request may store or make the server echo, and how strictly
 * JSON bodies are read. Each case is a reproduction of a hostile probe, kept as a regression test.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtures, type Fixtures } from '../helpers/make-fixtures.js';
import { createKey, startTestServer, type TestServer } from '../helpers/start-test-server.js';

let server: TestServer;
let scratch: string;
let fx: Fixtures;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'wangate-security-input-'));
  // No workers: creates are validated and stored, never run.
  [server, fx] = await Promise.all([startTestServer({ WORKER_CONCURRENCY: '0' }), makeFixtures(path.join(scratch, 'fx'))]);
});
afterAll(async () => {
  await server?.cleanup();
  await rm(scratch, { recursive: true, force: true });
});

const create = (body: object, key?: string) => server.api('POST', '/v1/videos/generations', body, key);
const taskCount = async (key: string) => (await server.api('GET', '/v1/tasks?limit=100', undefined, key)).json.data.length as number;

describe('what one request may store (item 1)', () => {
  it('refuses an http(s) media URL of 10 million characters with 400 naming the field, storing nothing', async () => {
    const { key } = await createKey(server, { name: 'padding' });
    const res = await create({ model: 'wan2.7', prompt: 'x', image_urls: [`http://example.invalid/${'a'.repeat(10_000_000)}`] }, key);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ param: 'image_urls[0]', reason: 'too_long' });
    expect(res.json.error.message).toContain('4096');
    expect(await taskCount(key)).toBe(0);
  });

  it('caps every media field at 4096 characters unless it is a data: URI', async () => {
    const long = `https://example.invalid/${'b'.repeat(4096)}`;
    for (const [body, param] of [
      [{ image_with_roles: [{ url: long }] }, 'image_with_roles[0].url'],
      [{ video_urls: [long] }, 'video_urls[0]'],
      [{ image_urls: ['https://example.invalid/a.png'], audio_url: long }, 'audio_url'],
    ] as const) {
      const res = await create({ model: 'wan2.7', prompt: 'x', ...body });
      expect(res.status, param).toBe(400);
      expect(res.json.error).toMatchObject({ param, reason: 'too_long' });
    }
    // Exactly at the limit is still a URL an honest client may send.
    const atLimit = `https://example.invalid/${'c'.repeat(4096 - 'https://example.invalid/'.length)}`;
    expect(atLimit).toHaveLength(4096);
    expect((await create({ model: 'wan2.7', prompt: 'x', image_urls: [atLimit] })).status).toBe(200);
  });

  it('still takes a data: URI far longer than 4096 characters, stored as a short URL of an uploaded file', async () => {
    const { key } = await createKey(server, { name: 'inline media' });
    const clip = `data:video/mp4;base64,${(await readFile(fx.clipMp4)).toString('base64')}`;
    expect(clip.length).toBeGreaterThan(4096);
    const res = await create({ model: 'wan2.7', prompt: 'continue', video_urls: [clip] }, key);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const task = await server.api('GET', `/v1/tasks/${res.json.data[0].task_id}`, undefined, key);
    expect(JSON.stringify(task.json).length).toBeLessThan(4096);
  });

  it('bounds the other strings a request stores: prompts, callback URLs, key names, notes, webhook URLs, idempotency keys', async () => {
    const { id } = await createKey(server, { name: 'stored strings', balance: 1 });
    const cases: [string, string, object, string][] = [
      ['POST', '/v1/videos/generations', { model: 'wan2.7', prompt: 'p'.repeat(5001) }, 'prompt'],
      ['POST', '/v1/videos/generations', { model: 'wan2.7', prompt: 'x', negative_prompt: 'n'.repeat(501) }, 'negative_prompt'],
      ['POST', '/v1/videos/generations', { model: 'wan2.7', prompt: 'x', callback_url: `https://h.example/${'c'.repeat(2048)}` }, 'callback_url'],
      ['POST', '/admin/keys', { name: 'k'.repeat(201) }, 'name'],
      ['PATCH', `/admin/keys/${id}`, { webhook_url: `https://h.example/${'w'.repeat(2048)}` }, 'webhook_url'],
      ['POST', `/admin/keys/${id}/credit`, { amount: 1, note: 'n'.repeat(501) }, 'note'],
    ];
    for (const [method, url, body, param] of cases) {
      const res = await server.api(method, url, body);
      expect(res.status, `${method} ${url} ${param}`).toBe(400);
      expect(res.json.error).toMatchObject({ param, reason: 'too_long' });
    }
    const longIdempotencyKey = await fetch(`${server.url}/v1/videos/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer wg_test_admin_key_0123456789abcdef`, 'content-type': 'application/json', 'idempotency-key': 'i'.repeat(256) },
      body: JSON.stringify({ model: 'wan2.7', prompt: 'x' }),
    });
    expect(longIdempotencyKey.status).toBe(400);
    expect(((await longIdempotencyKey.json()) as any).error.param).toBe('Idempotency-Key');
  });
});

describe('what an error may echo (item 4)', () => {
  const clipped = (text: string) => expect(text.length).toBeLessThanOrEqual(100);

  it('cuts an unknown field with a 10 MB name to about 100 characters, with an ellipsis, in param and message', async () => {
    const name = 'f'.repeat(10 * 1024 * 1024);
    const res = await server.api('POST', '/v1/videos/generations', `{"model":"wan2.7","prompt":"x","${name}":1}`);
    expect(res.status).toBe(400);
    expect(res.json.error.reason).toBe('unknown_field');
    clipped(res.json.error.param);
    expect(res.json.error.param.endsWith('…')).toBe(true);
    expect(res.json.error.message.length).toBeLessThan(300);
  });

  it('cuts the media type of a data: URI with a 1 MB media type', async () => {
    const res = await create({ model: 'wan2.7', prompt: 'x', image_urls: [`data:image/${'t'.repeat(1024 * 1024)};base64,iVBORw0KGgo=`] });
    expect(res.status).toBe(400);
    expect(res.json.error.param).toBe('image_urls[0]');
    expect(res.json.error.message).toContain('…');
    expect(res.json.error.message.length).toBeLessThan(300);
  });

  it('cuts ids, query parameter names and paths it echoes in 404s and 400s', async () => {
    const long = 'z'.repeat(5000);
    for (const url of [`/v1/tasks/task_${long}`, `/admin/keys/key_${long}`, `/v1/tasks?${long}=1`, `/v1/tasks?status=${'q'.repeat(200)}`, `/v1/${long}`]) {
      const res = await server.api('GET', url);
      expect(res.status, url.slice(0, 30)).toBeGreaterThanOrEqual(400);
      expect(JSON.stringify(res.json).length, url.slice(0, 30)).toBeLessThan(600);
    }
  });
});

describe('how strictly JSON bodies are read (items 8 and 9)', () => {
  it('refuses a string where a JSON body needs a number: "1e3" no longer expires a key at once', async () => {
    const target = await createKey(server, { name: 'coerced' });
    const patched = await server.api('PATCH', `/admin/keys/${target.id}`, { expires_at: '1e3' });
    expect(patched.status).toBe(400);
    expect(patched.json.error).toMatchObject({ param: 'expires_at', reason: 'invalid_type' });
    expect((await server.api('GET', '/v1/me', undefined, target.key)).status).toBe(200);
    const created = await server.api('POST', '/admin/keys', { name: 'coerced too', expires_at: '4102444800' });
    expect(created.status).toBe(400);
    expect(created.json.error.param).toBe('expires_at');
    // Query strings are text by nature: they are still read as numbers.
    expect((await server.api('GET', '/v1/tasks?from=0&limit=5')).status).toBe(200);
  });

  it('stores each scope once', async () => {
    const created = await server.api('POST', '/admin/keys', { name: 'twice admin', scopes: ['admin', 'admin'] });
    expect(created.status).toBe(200);
    expect(created.json.data.scopes).toEqual(['admin']);
    const patched = await server.api('PATCH', `/admin/keys/${created.json.data.id}`, { scopes: ['user', 'user'] });
    expect(patched.json.data.scopes).toEqual(['user']);
    expect((await server.api('GET', `/admin/keys/${created.json.data.id}`)).json.data.scopes).toEqual(['user']);
  });

  it('names the forbidden key of a body with __proto__ or constructor.prototype instead of calling it invalid JSON', async () => {
    for (const [raw, param] of [
      ['{"model":"wan2.7","prompt":"x","__proto__":{"admin":true}}', '__proto__'],
      ['{"name":"k","limits":{"__proto__":{"max_running":1}}}', 'limits.__proto__'],
      ['{"name":"k","constructor":{"prototype":{"admin":true}}}', 'constructor.prototype'],
    ] as const) {
      const res = await server.api('POST', param === '__proto__' ? '/v1/videos/generations' : '/admin/keys', raw);
      expect(res.status, raw).toBe(400);
      expect(res.json.error).toMatchObject({ param, reason: 'forbidden_key' });
      expect(res.json.error.message).toContain(param);
      expect(res.json.error.message).not.toContain('not valid JSON');
    }
    const broken = await server.api('POST', '/v1/videos/generations', '{"model": "wan2.7", prompt');
    expect(broken.json.error).toMatchObject({ param: 'body', reason: 'invalid_json' });
  });
});
