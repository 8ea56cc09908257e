/**
 * The security suite, part three: signed result URLs (no API key; the signature is the credential).
 * How long they live, which `expires` they accept, and how their errors look. Reproductions of a
 * hostile probe, kept as regression tests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock, startClockedServer, type ClockedServer } from '../helpers/start-clocked-server.js';
import { waitForTask } from '../helpers/start-test-server.js';

const hourMs = 3600_000;
const dayMs = 24 * hourMs;

let server: ClockedServer;
let taskId = '';

/** The task's signed result URL as GET /v1/tasks/{id} gives it now, and its expiry (unix seconds). */
async function resultUrl(): Promise<{ url: URL; expiresAt: number }> {
  const task = (await server.api('GET', `/v1/tasks/${taskId}`)).json.data;
  const video = task.result.videos[0];
  return { url: new URL(video.url[0]), expiresAt: video.expires_at };
}

beforeAll(async () => {
  // One second after a day boundary: the moment the old rule ((floor(now/ttl)+2)*ttl) gave a URL two days.
  // A 24 h TTL (not the 72 h default): the tests below step past one expiry and still read the result.
  server = await startClockedServer({ RESULT_URL_TTL_SECONDS: '86400' }, fakeClock(Math.ceil(Date.now() / dayMs) * dayMs + 1000));
  const created = await server.api('POST', '/v1/videos/generations', { model: 'wan2.7', prompt: 'signed', resolution: '720P', duration: 2 });
  taskId = created.json.data[0].task_id;
  expect((await waitForTask(server, taskId)).status).toBe('completed');
});
afterAll(() => server?.cleanup());

describe('signed URL lifetime (item 7)', () => {
  it('lives at least RESULT_URL_TTL_SECONDS and at most one rounding window (1 h of 24 h) longer, at any time of day', async () => {
    for (let step = 0; step < 4; step++) {
      const nowSeconds = server.clock.nowMs() / 1000;
      const { url, expiresAt } = await resultUrl();
      expect(Number(url.searchParams.get('expires'))).toBe(expiresAt);
      expect(expiresAt - nowSeconds).toBeGreaterThanOrEqual(24 * 3600 - 1);
      expect(expiresAt - nowSeconds).toBeLessThanOrEqual(25 * 3600);
      server.clock.advance(7 * hourMs);
    }
  });

  it('gives repeated reads within one window the same URL, and the URL stops working once it expires', async () => {
    const first = await resultUrl();
    server.clock.advance(1000);
    // The clock sits a few seconds past an hour boundary, far from the next one.
    expect((await resultUrl()).url.href).toBe(first.url.href);
    expect((await fetch(first.url)).status).toBe(200);
    server.clock.advance(first.expiresAt * 1000 - server.clock.nowMs() + 1000);
    const expired = await fetch(first.url);
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as any).error.reason).toBe('invalid_signature');
  });
});

describe('signed URL parameters and errors (items 3 and 9)', () => {
  it('accepts the expiry only in canonical digits', async () => {
    const { url } = await resultUrl();
    const expires = url.searchParams.get('expires')!;
    expect((await fetch(url)).status).toBe(200);
    for (const variant of [`${expires}.0`, `0${expires}`, `0x${Number(expires).toString(16)}`, `+${expires}`, ` ${expires}`, `${expires}e0`]) {
      const odd = new URL(url);
      odd.searchParams.set('expires', variant);
      const res = await fetch(odd);
      expect(res.status, variant).toBe(403);
      expect(((await res.json()) as any).error.reason, variant).toBe('invalid_signature');
    }
  });

  it('answers a bad Range with 416 in the JSON error envelope, not an HTML page labelled video/mp4', async () => {
    const { url } = await resultUrl();
    for (const range of ['bytes=5-1', 'bytes=abc', 'bytes=-0', 'bytes=99999999-']) {
      const res = await fetch(url, { headers: { range } });
      expect(res.status, range).toBe(416);
      expect(res.headers.get('content-type'), range).toMatch(/^application\/json/);
      expect(((await res.json()) as any).error, range).toMatchObject({ code: 416, param: 'Range', reason: 'range_not_satisfiable' });
    }
  });

  it('answers a failed If-Match or If-Unmodified-Since with 412 in the JSON error envelope', async () => {
    const { url } = await resultUrl();
    const failing: Record<string, string>[] = [{ 'if-match': '"not-the-etag"' }, { 'if-unmodified-since': 'Sat, 01 Jan 2000 00:00:00 GMT' }];
    for (const headers of failing) {
      const res = await fetch(url, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(412);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(((await res.json()) as any).error).toMatchObject({ code: 412, reason: 'precondition_failed' });
    }
    // A good Range still works exactly as before.
    const part = await fetch(url, { headers: { range: 'bytes=0-99' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-type')).toBe('video/mp4');
    expect((await part.arrayBuffer()).byteLength).toBe(100);
  });
});
