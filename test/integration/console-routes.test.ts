/**
 * What the web console stands on besides the API proper: GET /v1/models (public; prices and rules
 * from the server's own configuration and domain), GET /admin/server (no secrets), and the console's
 * page and files (built by Vite, served with a strict Content-Security-Policy).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelListSchema, serverInfoReplySchema } from '../../src/http/openapi/console-schemas.js';
import { ensureConsoleBuilt } from '../../src/http/console/console-assets.js';
import { createKey, startTestServer, testAdminKey, type TestServer } from '../helpers/start-test-server.js';

let server: TestServer;
const signingSecret = 'test-signing-secret-0123456789';

beforeAll(async () => {
  await ensureConsoleBuilt({ quiet: true });
  server = await startTestServer({ WORKER_CONCURRENCY: '0', WANGATE_PRICE_720P: '0.1234', WANGATE_PRICE_1080P: '2', WANGATE_SIGNING_SECRET: signingSecret });
}, 120_000);
afterAll(async () => {
  await server?.cleanup();
});

describe('GET /v1/models', () => {
  it('lists wan2.7 OpenAI-style with its modes, limits, defaults, exact prices and engine, without a key', async () => {
    const res = await server.api('GET', '/v1/models', undefined, null);
    expect(res.status).toBe(200);
    const list = modelListSchema.parse(res.json);
    expect(list.object).toBe('list');
    const model = list.data.find((m) => m.id === 'wan2.7')!;
    expect(model).toMatchObject({
      object: 'model',
      operation: 'video_generation',
      default_resolution: '1080P',
      resolutions: ['720P', '1080P'],
      defaults: { duration: 5, size: '16:9', prompt_extend: true, watermark: false },
      limits: { duration: { min: 2, max: 15 }, prompt_max_chars: 5000, negative_prompt_max_chars: 500, media: { image: { max_bytes: 20 * 1024 * 1024 } } },
      pricing: {
        currency: 'USD',
        unit: 'second',
        minor_per_major: 10_000,
        per_second: { '720P': { amount: '0.1234', amount_minor: 1234 }, '1080P': { amount: '2.00', amount_minor: 20_000 } },
      },
      engine: { id: 'local' },
    });
    expect(model.modes.map((m) => m.id)).toEqual(['t2v', 'i2v_first_frame', 'i2v_first_last', 'video_continuation']);
    expect(model.fields).toEqual(expect.arrayContaining(['prompt', 'image_with_roles', 'video_urls', 'audio_url', 'seed', 'callback_url']));
  });

  it('quotes what create holds: price per second x duration', async () => {
    const user = await createKey(server, { name: 'quote', balance: 10 });
    const model = (await server.api('GET', '/v1/models', undefined, null)).json.data[0];
    await server.api('POST', '/v1/videos/generations', { model: 'wan2.7', prompt: 'quote me', resolution: '720P', duration: 7 }, user.key);
    const me = await server.api('GET', '/v1/me', undefined, user.key);
    expect(10 * 10_000 - Math.round(me.json.data.balance * 10_000)).toBe(model.pricing.per_second['720P'].amount_minor * 7);
  });
});

describe('GET /admin/server', () => {
  it('summarises the engine and settings for admins, without any secret', async () => {
    const res = await server.api('GET', '/admin/server');
    expect(res.status).toBe(200);
    const info = serverInfoReplySchema.parse(res.json).data;
    expect(info).toMatchObject({ engine: { id: 'local' }, engines: ['local'], billing: true, currency: 'USD', base_url: server.url });
    const text = JSON.stringify(res.json);
    expect(text).not.toContain(testAdminKey);
    expect(text).not.toContain(signingSecret);
    const user = await createKey(server, { name: 'not-admin' });
    expect((await server.api('GET', '/admin/server', undefined, user.key)).status).toBe(403);
  });
});

describe('the console page', () => {
  it('is reached from / and /console', async () => {
    for (const path of ['/', '/console']) {
      const res = await fetch(server.url + path, { redirect: 'manual' });
      expect(res.status, path).toBeGreaterThanOrEqual(301);
      expect(res.headers.get('location'), path).toBe('/console/');
    }
  });

  it('is served with a Content-Security-Policy that allows no inline script or style, and loads only its own files', async () => {
    const res = await fetch(`${server.url}/console/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style="/);
    const linked = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(linked.some((l) => l.endsWith('.js'))).toBe(true);
    for (const link of linked) {
      expect(link, 'no other host: works offline').toMatch(/^\/console\//);
      const asset = await fetch(server.url + link);
      expect(asset.status, link).toBe(200);
      if (link.endsWith('.js')) {
        expect(asset.headers.get('content-type'), link).toMatch(/javascript/);
        expect(asset.headers.get('cache-control'), link).toContain('immutable');
      }
    }
  });

  it('answers unknown and out-of-folder files with the error envelope', async () => {
    for (const name of ['nope.js', 'assets/nope.js', '../package.json', '..%2F..%2Fpackage.json', '.source-hash']) {
      const res = await server.api('GET', `/console/${name}`, undefined, null);
      expect(res.status, name).toBe(404);
      expect(res.json.error, name).toMatchObject({ type: 'not_found_error' });
    }
  });
});
