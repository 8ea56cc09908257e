/**
 * The shared security suite, run on every authenticated route the server registers (found from its
 * route table, so a new route is covered without touching this file).
 */
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtures } from '../helpers/make-fixtures.js';
import { createKey, startTestServer, type TestServer } from '../helpers/start-test-server.js';

/**
 * Routes that need no key: health and readiness, signed downloads (the signature is the credential), API docs, the
 * model list, schemas and references, and the web console (its page, and the sign-in that takes a key
 * in its body).
 */
const publicRoutes = [/^\/healthz$/, /^\/readyz$/, /^\/files\/\*$/, /^\/openapi\.json$/, /^\/docs(\/.*)?$/, /^\/v1\/models$/, /^\/v1\/model-schema$/, /^\/v1\/model-docs$/, /^\/$/, /^\/console(\/.*)?$/];

let server: TestServer;
let scratch: string;
const keys: Record<'owner' | 'other' | 'user' | 'revoked' | 'expired', string> = { owner: '', other: '', user: '', revoked: '', expired: '' };
const ids: Record<string, string> = {};

const newKey = (body: object) => createKey(server, body);

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'wangate-security-'));
  // No workers: the owner's task stays put while every route is probed.
  server = await startTestServer({ WORKER_CONCURRENCY: '0' });
  const owner = await newKey({ name: 'owner' });
  keys.owner = owner.key;
  keys.other = (await newKey({ name: 'other tenant' })).key;
  keys.user = (await newKey({ name: 'plain user' })).key;
  const revoked = await newKey({ name: 'revoked' });
  await server.api('POST', `/admin/keys/${revoked.id}/revoke`);
  keys.revoked = revoked.key;
  keys.expired = (await newKey({ name: 'expired', expires_at: Math.floor(Date.now() / 1000) - 60 })).key;

  const created = await server.api('POST', '/v1/videos/generations', { model: 'wan2.7', prompt: 'owned by owner' }, keys.owner);
  ids.taskId = created.json.data[0].task_id;
  ids.keyId = owner.id;
  if (server.routes.some((r) => r.url.includes(':fileId'))) {
    const fx = await makeFixtures(path.join(scratch, 'fx'));
    const res = await fetch(`${server.url}/v1/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.owner}`, 'content-type': 'image/png' },
      body: await readFile(fx.redPng),
    });
    ids.fileId = ((await res.json()) as any).data.id;
  }
});
afterAll(async () => {
  await server?.cleanup();
  await rm(scratch, { recursive: true, force: true });
});

function protectedRoutes() {
  return server.routes.filter((r) => !publicRoutes.some((p) => p.test(r.url)));
}

function fill(url: string): string {
  return url.replace(/:(\w+)/g, (_m, name: string) => ids[name] ?? 'task_01ARZ3NDEKTSV4RRFFQ69G5FAV').replace('*', 'x');
}

async function call(method: string, url: string, key: string | null): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = {};
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const hasBody = method === 'POST' || method === 'PATCH' || method === 'PUT';
  if (hasBody) headers['content-type'] = 'application/json';
  const controller = new AbortController();
  const res = await fetch(server.url + url, { method, headers, ...(hasBody && { body: '{}' }), signal: controller.signal });
  // Event streams stay open: read what is needed, then hang up.
  const isStream = res.headers.get('content-type')?.startsWith('text/event-stream');
  const text = isStream ? '' : await res.text();
  controller.abort();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, json };
}

describe('security suite on every authenticated route', () => {
  it('finds the routes it must check', () => {
    const urls = protectedRoutes().map((r) => `${r.method} ${r.url}`);
    expect(urls).toEqual(expect.arrayContaining(['POST /v1/videos/generations', 'GET /v1/tasks/:taskId', 'POST /admin/keys', 'GET /admin/usage', 'GET /v1/usage']));
  });

  for (const [label, key, reason] of [
    ['no key', null, 'missing_api_key'],
    ['a bad key', 'wg_not_a_real_key_at_all_0000000', 'invalid_api_key'],
    ['a revoked key', 'revoked', 'invalid_api_key'],
    ['an expired key', 'expired', 'invalid_api_key'],
  ] as const) {
    it(`answers 401 to ${label} on every route`, async () => {
      for (const r of protectedRoutes()) {
        const secret = key === null ? null : key in keys ? keys[key as keyof typeof keys] : key;
        const res = await call(r.method, fill(r.url), secret);
        expect(res.status, `${r.method} ${r.url}`).toBe(401);
        expect(res.json.error, `${r.method} ${r.url}`).toMatchObject({ code: 401, type: 'authentication_error', reason });
      }
    });
  }

  it('answers 403 to a user key on every admin route', async () => {
    for (const r of protectedRoutes().filter((r) => r.url.startsWith('/admin'))) {
      const res = await call(r.method, fill(r.url), keys.user);
      expect(res.status, `${r.method} ${r.url}`).toBe(403);
      expect(res.json.error).toMatchObject({ type: 'permission_error', reason: 'insufficient_scope' });
    }
  });

  it("answers another tenant's task or file id exactly like an unknown id", async () => {
    const owned = protectedRoutes().filter((r) => r.url.startsWith('/v1') && /:(taskId|fileId)/.test(r.url));
    expect(owned.length).toBeGreaterThan(0);
    for (const r of owned) {
      const other = await call(r.method, fill(r.url), keys.other);
      const unknown = await call(r.method, r.url.replace(/:(taskId|fileId)/g, (_m, n: string) => (n === 'taskId' ? 'task_01ARZ3NDEKTSV4RRFFQ69G5FAV' : 'file_01ARZ3NDEKTSV4RRFFQ69G5FAV')), keys.other);
      expect(other.status, `${r.method} ${r.url}`).toBe(404);
      expect(unknown.status, `${r.method} ${r.url}`).toBe(404);
      const strip = (j: any) => ({ ...j.error, message: undefined });
      expect(strip(other.json).reason, `${r.method} ${r.url}`).toBe(strip(unknown.json).reason);
    }
  });

  it("lets the owner see its own task but not list another tenant's", async () => {
    expect((await call('GET', `/v1/tasks/${ids.taskId}`, keys.owner)).status).toBe(200);
    const usage = await call('GET', '/v1/usage', keys.other);
    expect(usage.status).toBe(200);
    expect(usage.json.data.entries.every((e: any) => e.key_id !== ids.keyId)).toBe(true);
  });
});
