import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSafeFetcher } from '../../src/adapters/media/safe-fetch.js';
import { safeRequest } from '../../src/adapters/media/safe-request.js';
import { AppError } from '../../src/domain/errors.js';

const MB = 1024 * 1024;
let server: Server;
let port: number;
let base: string;
let dir: string;
let fileNo = 0;
/** Bytes each stalled or oversized response managed to write, by path. */
const written = new Map<string, number>();

/** Writes `total` bytes in 64 KiB chunks, honouring backpressure, unless the client goes away. */
async function stream(res: ServerResponse, total: number, key: string): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024, 7);
  let closed = false;
  res.once('close', () => (closed = true));
  let sent = 0;
  while (sent < total && !closed) {
    const piece = total - sent >= chunk.length ? chunk : chunk.subarray(0, total - sent);
    sent += piece.length;
    written.set(key, sent);
    if (!res.write(piece)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  res.end();
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-safe-fetch-'));
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    if (p === '/ok') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': 5 }).end('hello');
    } else if (p === '/redirect') {
      res.writeHead(302, { location: url.searchParams.get('to') ?? '/ok' }).end();
    } else if (p.startsWith('/chain/')) {
      const n = Number(p.slice('/chain/'.length));
      if (n === 0) res.writeHead(200, { 'content-type': 'text/plain' }).end('end of chain');
      else res.writeHead(301, { location: `../chain/${n - 1}` }).end();
    } else if (p === '/loop') {
      res.writeHead(302, { location: '/loop' }).end();
    } else if (p === '/see-other') {
      res.writeHead(303, { location: '/method' }).end();
    } else if (p === '/method') {
      let body = '';
      req.on('data', (d) => (body += d)).on('end', () => res.writeHead(200).end(`${req.method} ${body}`));
    } else if (p === '/declared-huge') {
      // Promises 10 MB, sends 1 KiB, then waits: the client must refuse on the header alone.
      res.writeHead(200, { 'content-length': 10 * MB });
      res.write(Buffer.alloc(1024));
      written.set(p, 1024);
    } else if (p === '/chunked-huge') {
      res.writeHead(200, { 'content-type': 'video/mp4' });
      void stream(res, 200 * MB, p);
    } else if (p === '/stall') {
      res.writeHead(200, { 'content-length': 100_000 });
      res.write(Buffer.alloc(10_000));
    } else if (p === '/slow-headers') {
      setTimeout(() => res.writeHead(200).end('late'), 5_000).unref();
    } else if (p === '/big') {
      res.writeHead(200, { 'content-length': 50 * MB, 'content-type': 'video/mp4' });
      void stream(res, 50 * MB, p);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

const dest = () => path.join(dir, `out-${++fileNo}.bin`);
const exists = (file: string) => stat(file).then(() => true, () => false);
const loopbackFetcher = createSafeFetcher({ allowLoopback: true, timeoutMs: 10_000, maxRedirects: 3 });
const strictFetcher = createSafeFetcher({ allowLoopback: false, timeoutMs: 10_000, maxRedirects: 3 });

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('createSafeFetcher', () => {
  it('refuses a loopback URL when loopback is not allowed, and writes no file', async () => {
    const out = dest();
    const err = await refusal(strictFetcher.fetchTo(`${base}/ok`, out, { maxBytes: MB, param: 'image_urls[0]' }));
    expect(err.code).toBe('invalid_request');
    expect(err.reason).toBe('url_not_allowed');
    expect(err.param).toBe('image_urls[0]');
    expect(err.message).toContain('loopback');
    expect(await exists(out)).toBe(false);
  });

  it('refuses a name that resolves to loopback (localhost) when loopback is not allowed', async () => {
    const err = await refusal(strictFetcher.fetchTo(`http://localhost:${port}/ok`, dest(), { maxBytes: MB, param: 'audio_url' }));
    expect(err.reason).toBe('url_not_allowed');
    expect(err.message).toContain('resolves to a loopback address');
    expect(err.param).toBe('audio_url');
  });

  it.each(['http://2130706433:PORT/ok', 'http://0x7f.1:PORT/ok', 'http://0177.0.0.1:PORT/ok', 'http://127.1:PORT/ok', 'http://[::ffff:7f00:1]:PORT/ok', 'http://[::1]:PORT/ok'])(
    'refuses the odd loopback form %s when loopback is not allowed',
    async (template) => {
      const err = await refusal(strictFetcher.fetchTo(template.replace('PORT', String(port)), dest(), { maxBytes: MB, param: 'image_urls[0]' }));
      expect(err.reason).toBe('url_not_allowed');
    },
  );

  it('downloads from loopback when allowed, reporting bytes and content type', async () => {
    const out = dest();
    const got = await loopbackFetcher.fetchTo(`${base}/ok`, out, { maxBytes: MB, param: 'image_urls[0]' });
    expect(got).toEqual({ bytes: 5, contentType: 'image/png' });
    expect((await stat(out)).size).toBe(5);
  });

  it('follows the decimal IPv4 form to the same loopback server when loopback is allowed', async () => {
    const got = await loopbackFetcher.fetchTo(`http://2130706433:${port}/ok`, dest(), { maxBytes: MB, param: 'image_urls[0]' });
    expect(got.bytes).toBe(5);
  });

  it.each(['http://10.0.0.1/', 'http://169.254.169.254/latest/meta-data', 'http://[::ffff:a00:1]/', 'http://[fd00:ec2::254]/', 'http://192.168.1.1:8080/x'])(
    'refuses a redirect from the allowed loopback server to %s',
    async (target) => {
      const out = dest();
      const err = await refusal(
        loopbackFetcher.fetchTo(`${base}/redirect?to=${encodeURIComponent(target)}`, out, { maxBytes: MB, param: 'video_urls[0]' }),
      );
      expect(err.reason).toBe('url_not_allowed');
      expect(err.param).toBe('video_urls[0]');
      expect(err.message).toContain('redirected to a URL that is not allowed');
      expect(await exists(out)).toBe(false);
    },
  );

  it('refuses a redirect to a non-HTTP scheme', async () => {
    const err = await refusal(loopbackFetcher.fetchTo(`${base}/redirect?to=file:///etc/passwd`, dest(), { maxBytes: MB, param: 'audio_url' }));
    expect(err.reason).toBe('url_not_allowed');
  });

  it('follows relative redirects up to maxRedirects', async () => {
    const got = await loopbackFetcher.fetchTo(`${base}/chain/3`, dest(), { maxBytes: MB, param: 'image_urls[0]' });
    expect(got.bytes).toBe('end of chain'.length);
  });

  it('stops after maxRedirects with too_many_redirects', async () => {
    const chain = await refusal(loopbackFetcher.fetchTo(`${base}/chain/4`, dest(), { maxBytes: MB, param: 'image_urls[0]' }));
    expect(chain.reason).toBe('too_many_redirects');
    const loop = await refusal(loopbackFetcher.fetchTo(`${base}/loop`, dest(), { maxBytes: MB, param: 'image_urls[0]' }));
    expect(loop.reason).toBe('too_many_redirects');
    expect(loop.param).toBe('image_urls[0]');
  });

  it('refuses a Content-Length over the limit before reading the body', async () => {
    const out = dest();
    const started = Date.now();
    const err = await refusal(loopbackFetcher.fetchTo(`${base}/declared-huge`, out, { maxBytes: MB, param: 'image_urls[0]' }));
    expect(err.reason).toBe('media_too_large');
    expect(err.message).toContain(`Content-Length ${10 * MB}`);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await exists(out)).toBe(false);
  });

  it('cuts a chunked body that grows past the limit and removes the partial file', async () => {
    const out = dest();
    const err = await refusal(loopbackFetcher.fetchTo(`${base}/chunked-huge`, out, { maxBytes: MB, param: 'video_urls[0]' }));
    expect(err.reason).toBe('media_too_large');
    expect(err.param).toBe('video_urls[0]');
    expect(await exists(out)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The server was cut off long before it could send its 200 MB.
    expect(written.get('/chunked-huge')).toBeLessThan(50 * MB);
  });

  it('holds a body that stalls mid-way to the overall timeout and removes the partial file', async () => {
    const fetcher = createSafeFetcher({ allowLoopback: true, timeoutMs: 500, maxRedirects: 0 });
    const out = dest();
    const started = Date.now();
    const err = await refusal(fetcher.fetchTo(`${base}/stall`, out, { maxBytes: MB, param: 'audio_url' }));
    expect(err.reason).toBe('fetch_timeout');
    expect(err.param).toBe('audio_url');
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await exists(out)).toBe(false);
  });

  it('times out a server that never sends headers', async () => {
    const fetcher = createSafeFetcher({ allowLoopback: true, timeoutMs: 300, maxRedirects: 0 });
    const err = await refusal(fetcher.fetchTo(`${base}/slow-headers`, dest(), { maxBytes: MB, param: 'audio_url' }));
    expect(err.reason).toBe('fetch_timeout');
  });

  it('fails a non-2xx answer with the status, the host, and not the query string', async () => {
    const out = dest();
    const err = await refusal(loopbackFetcher.fetchTo(`${base}/missing.png?token=s3cr3t`, out, { maxBytes: MB, param: 'image_urls[1]' }));
    expect(err.reason).toBe('fetch_failed');
    expect(err.param).toBe('image_urls[1]');
    expect(err.message).toContain('404');
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(err.message).not.toContain('s3cr3t');
    expect(await exists(out)).toBe(false);
  });

  it('fails a refused connection with fetch_failed and the cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await refusal(loopbackFetcher.fetchTo(`http://127.0.0.1:${deadPort}/x`, dest(), { maxBytes: MB, param: 'audio_url' }));
    expect(err.reason).toBe('fetch_failed');
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('fails a TLS handshake error with fetch_failed and the cause (https to a plain HTTP server)', async () => {
    const err = await refusal(loopbackFetcher.fetchTo(`https://127.0.0.1:${port}/ok`, dest(), { maxBytes: MB, param: 'image_urls[0]' }));
    expect(err.reason).toBe('fetch_failed');
    expect(err.message).toMatch(/SSL|TLS|wrong version/i);
  });

  it('fails an unresolvable host with fetch_failed', async () => {
    const err = await refusal(loopbackFetcher.fetchTo('http://does-not-exist.invalid/x.png', dest(), { maxBytes: MB, param: 'audio_url' }));
    expect(err.reason).toBe('fetch_failed');
  });

  it('stops when the caller aborts, with the abort reason, and removes the partial file', async () => {
    const out = dest();
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(new Error('task cancelled')), 200);
    const err = await loopbackFetcher.fetchTo(`${base}/stall`, out, { maxBytes: MB, param: 'audio_url', signal: ctl.signal }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('task cancelled');
    expect(await exists(out)).toBe(false);
  });

  it('downloads a 50 MB body to disk (streamed, size intact)', async () => {
    const out = dest();
    const got = await loopbackFetcher.fetchTo(`${base}/big`, out, { maxBytes: 100 * MB, param: 'video_urls[0]' });
    expect(got.bytes).toBe(50 * MB);
    expect((await stat(out)).size).toBe(50 * MB);
    await rm(out);
  });
});

describe('safeRequest', () => {
  it('turns a POST into a GET across a 303', async () => {
    const res = await safeRequest(`${base}/see-other`, { method: 'POST', body: 'payload', timeoutMs: 5_000, maxRedirects: 1, allowLoopback: true });
    expect(res.status).toBe(200);
    expect(res.finalUrl).toBe(`${base}/method`);
    let text = '';
    for await (const chunk of res.body) text += chunk;
    expect(text).toBe('GET ');
  });

  it('sends a POST body as is when nothing redirects (webhooks)', async () => {
    const res = await safeRequest(`${base}/method`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' }, timeoutMs: 5_000, maxRedirects: 0, allowLoopback: true });
    let text = '';
    for await (const chunk of res.body) text += chunk;
    expect(text).toBe('POST {"a":1}');
  });

  it('refuses any redirect when maxRedirects is 0', async () => {
    const err = await refusal(safeRequest(`${base}/see-other`, { method: 'POST', body: 'x', timeoutMs: 5_000, maxRedirects: 0, allowLoopback: true }));
    expect(err.reason).toBe('too_many_redirects');
  });
});
