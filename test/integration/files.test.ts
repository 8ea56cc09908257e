/**
 * Uploads (POST /v1/files, POST /v1/uploads/images), owner-only downloads, and inline data: URIs in
 * a create request, over real HTTP; uploaded and inline images drive real renders of the local engine.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnifiedRequest } from '../../src/domain/request.js';
import { makeFixtures, type Fixtures } from '../helpers/make-fixtures.js';
import { startClockedServer, type ClockedServer } from '../helpers/start-clocked-server.js';
import { waitForTask } from '../helpers/start-test-server.js';

let server: ClockedServer;
let fx: Fixtures;
let scratch: string;
let alice = '';
let bob = '';

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'wangate-files-'));
  fx = await makeFixtures(path.join(scratch, 'fixtures'));
  server = await startClockedServer({ WORKER_CONCURRENCY: '2' });
  alice = (await server.api('POST', '/admin/keys', { name: 'alice' })).json.data.key;
  bob = (await server.api('POST', '/admin/keys', { name: 'bob' })).json.data.key;
});
afterAll(async () => {
  await server?.cleanup();
  await rm(scratch, { recursive: true, force: true });
});

async function rawUpload(route: string, body: Uint8Array<ArrayBuffer>, contentType: string | null, key = alice) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (contentType !== null) headers['content-type'] = contentType;
  const res = await fetch(server.url + route, { method: 'POST', headers, body });
  return { status: res.status, json: (await res.json()) as any };
}

async function multipartUpload(route: string, body: Uint8Array<ArrayBuffer>, filename: string, type: string, field = 'file') {
  const form = new FormData();
  form.append('purpose', 'first frame');
  form.append(field, new Blob([body], { type }), filename);
  const res = await fetch(server.url + route, { method: 'POST', headers: { authorization: `Bearer ${alice}` }, body: form });
  return { status: res.status, json: (await res.json()) as any };
}

const uploadsDir = () => path.join(server.dataDir, 'blobs', 'uploads');
const listUploads = () => readdir(uploadsDir()).catch(() => [] as string[]);
const dataUri = async (file: string, type: string) => `data:${type};base64,${(await readFile(file)).toString('base64')}`;

describe('POST /v1/files', () => {
  it('stores a multipart upload and answers the file object with a URL usable in media fields', async () => {
    const png = await readFile(fx.redPng);
    const res = await multipartUpload('/v1/files', png, 'red.png', 'image/png');
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const now = Math.floor(server.clock.nowMs() / 1000);
    expect(res.json).toEqual({
      code: 200,
      data: {
        id: expect.stringMatching(/^file_[0-9A-HJKMNP-TV-Z]{26}$/),
        object: 'file',
        url: `${server.url}/v1/files/${res.json.data.id}/content`,
        kind: 'image',
        content_type: 'image/png',
        bytes: png.length,
        created: expect.any(Number),
        expires_at: expect.any(Number),
      },
    });
    expect(Math.abs(res.json.data.created - now)).toBeLessThanOrEqual(1);
    expect(res.json.data.expires_at - res.json.data.created).toBe(72 * 3600);

    const meta = await server.api('GET', `/v1/files/${res.json.data.id}`, undefined, alice);
    expect(meta.json).toEqual(res.json);
    const content = await fetch(res.json.data.url, { headers: { authorization: `Bearer ${alice}` } });
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await content.arrayBuffer()).equals(png)).toBe(true);
  });

  it('stores a raw body by its sniffed type (image, video, audio)', async () => {
    for (const [file, declared, kind, type] of [
      [fx.blueJpg, 'image/jpeg', 'image', 'image/jpeg'],
      [fx.clipMp4, 'video/mp4', 'video', 'video/mp4'],
      [fx.toneWav, 'audio/x-wav', 'audio', 'audio/wav'],
      [fx.longMp3, 'application/octet-stream', 'audio', 'audio/mpeg'],
    ] as const) {
      const bytes = await readFile(file);
      const res = await rawUpload('/v1/files', bytes, declared);
      expect(res.status, `${file}: ${JSON.stringify(res.json)}`).toBe(200);
      expect(res.json.data).toMatchObject({ kind, content_type: type, bytes: bytes.length });
    }
  });

  it('refuses a text file named .png, by its bytes, with 400 unsupported_format on file', async () => {
    const before = await listUploads();
    for (const res of [
      await multipartUpload('/v1/files', await readFile(fx.fakePng), 'fake.png', 'image/png'),
      await rawUpload('/v1/files', await readFile(fx.fakePng), 'image/png'),
    ]) {
      expect(res.status).toBe(400);
      expect(res.json.error).toMatchObject({ code: 400, type: 'invalid_request_error', param: 'file', reason: 'unsupported_format' });
    }
    expect(await listUploads()).toEqual(before);
  });

  it('refuses bytes that contradict the declared type', async () => {
    const res = await rawUpload('/v1/files', await readFile(fx.blueJpg), 'image/png');
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ param: 'file', reason: 'unsupported_format' });
    expect(res.json.error.message).toContain('image/jpeg');
  });

  it('refuses an upload over its kind limit with 413 and removes the partial file', async () => {
    const before = await listUploads();
    // A WAV header, then one byte more than the 15 MB audio limit.
    const big = Buffer.alloc(15 * 1024 * 1024 + 1);
    big.write('RIFF\x24\x00\x00\x00WAVEfmt ', 0, 'latin1');
    for (const res of [
      // Chunked (no Content-Length): refused while streaming, after part of it reached the disk.
      await (async () => {
        const body = new ReadableStream({
          start(c) {
            for (let at = 0; at < big.length; at += 1 << 20) c.enqueue(big.subarray(at, at + (1 << 20)));
            c.close();
          },
        });
        const r = await fetch(`${server.url}/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${alice}`, 'content-type': 'audio/wav' }, body, duplex: 'half' } as RequestInit);
        return { status: r.status, json: (await r.json()) as any };
      })(),
      await multipartUpload('/v1/files', big, 'big.wav', 'audio/wav'),
    ]) {
      expect(res.status, JSON.stringify(res.json)).toBe(413);
      expect(res.json.error).toMatchObject({ code: 413, type: 'invalid_request_error', param: 'file', reason: 'media_too_large' });
    }
    expect(await listUploads()).toEqual(before);
    // The server still answers on a new connection.
    expect((await rawUpload('/v1/files', await readFile(fx.toneWav), 'audio/wav')).status).toBe(200);
  });

  it('answers 400, never 5xx, to malformed, truncated or empty uploads', async () => {
    const part = '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n';
    for (const [contentType, body, reason] of [
      ['multipart/form-data', 'abc', 'invalid_upload'],
      ['multipart/form-data; boundary=xyz', 'garbage', 'invalid_upload'],
      ['multipart/form-data; boundary=xyz', part, 'invalid_upload'],
      ['image/png', '', 'empty_file'],
      ['application/json', '{}', 'unsupported_format'],
    ] as const) {
      const res = await fetch(`${server.url}/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${alice}`, 'content-type': contentType }, body });
      expect(res.status, `${contentType} ${JSON.stringify(body)}`).toBe(400);
      expect(((await res.json()) as any).error).toMatchObject({ param: 'file', reason });
    }
  });

  it('answers another key exactly like an unknown file id (404)', async () => {
    const { json } = await rawUpload('/v1/files', await readFile(fx.redPng), 'image/png');
    const unknown = 'file_01ARZ3NDEKTSV4RRFFQ69G5FAV';
    for (const suffix of ['', '/content']) {
      const other = await server.api('GET', `/v1/files/${json.data.id}${suffix}`, undefined, bob);
      const missing = await server.api('GET', `/v1/files/${unknown}${suffix}`, undefined, bob);
      expect(other.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(other.json.error.reason).toBe('file_not_found');
      expect(missing.json.error.reason).toBe('file_not_found');
      expect((await server.api('GET', `/v1/files/${json.data.id}${suffix}`, undefined, alice)).status).toBe(200);
    }
    // Nor can the other key use it as a medium.
    const created = await server.api('POST', '/v1/videos/generations', { model: 'wan2.7', image_urls: [json.data.id], resolution: '720P', duration: 2 }, bob);
    const task = await waitForTask(server, created.json.data[0].task_id, bob);
    expect(task.status).toBe('failed');
    expect(task.error.reason).toBe('file_not_found');
  });

  it('answers 404 file_not_found for a file whose bytes are gone from disk', async () => {
    const { json } = await rawUpload('/v1/files', await readFile(fx.redPng), 'image/png');
    await server.deps.blobs.delete((await server.deps.files.getFile(json.data.id))!.blobKey);
    const res = await server.api('GET', `/v1/files/${json.data.id}/content`, undefined, alice);
    expect(res.status).toBe(404);
    expect(res.json.error).toMatchObject({ param: 'file_id', reason: 'file_not_found' });
  });
});

describe('POST /v1/uploads/images (the seed platform path)', () => {
  it("answers the seed platform's flat shape, with a URL usable as a frame for 72 hours", async () => {
    const png = await readFile(fx.redPng);
    // The server's clock runs on in real time: the upload is stamped with a second between these two.
    const beforeSeconds = Math.floor(server.clock.nowMs() / 1000);
    const res = await multipartUpload('/v1/uploads/images', png, 'red.png', 'image/png');
    const afterSeconds = Math.floor(server.clock.nowMs() / 1000);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toEqual({
      url: expect.stringMatching(/\/v1\/files\/file_[0-9A-HJKMNP-TV-Z]{26}\/content$/),
      filename: 'red.png',
      content_type: 'image/png',
      bytes: png.length,
      created_at: expect.any(Number),
      id: expect.stringMatching(/^file_/),
      object: 'file',
      expires_at: expect.any(Number),
    });
    expect(res.json.created_at).toBeGreaterThanOrEqual(beforeSeconds);
    expect(res.json.created_at).toBeLessThanOrEqual(afterSeconds);
    expect(res.json.expires_at - res.json.created_at).toBe(72 * 3600);
    // A raw body has no name: the file id with its type's extension.
    const raw = await rawUpload('/v1/uploads/images', await readFile(fx.blueJpg), 'image/jpeg');
    expect(raw.json.filename).toBe(`${raw.json.id}.jpg`);
  });

  it('takes GIF by its content, which /v1/files (the formats the models take) refuses', async () => {
    // A 1x1 GIF89a.
    const gif = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
    const res = await rawUpload('/v1/uploads/images', gif, null);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({ content_type: 'image/gif', bytes: gif.length });
    const files = await rawUpload('/v1/files', gif, 'image/gif');
    expect(files.status).toBe(400);
    expect(files.json.error).toMatchObject({ param: 'file', reason: 'unsupported_format' });
  });

  it('refuses an image over 20 MB with 413 in the error envelope', async () => {
    const big = Buffer.concat([await readFile(fx.redPng), Buffer.alloc(20 * 1024 * 1024)]);
    for (const res of [await rawUpload('/v1/uploads/images', big, 'image/png'), await multipartUpload('/v1/uploads/images', big, 'big.png', 'image/png')]) {
      expect(res.status).toBe(413);
      expect(res.json).toEqual({
        error: { code: 413, type: 'invalid_request_error', message: expect.any(String), param: 'file', reason: 'media_too_large' },
        request_id: expect.stringMatching(/^req_/),
      });
    }
  });

  it('refuses a video with 400 unsupported_format', async () => {
    for (const res of [
      await rawUpload('/v1/uploads/images', await readFile(fx.clipMp4), 'video/mp4'),
      await multipartUpload('/v1/uploads/images', await readFile(fx.clipMp4), 'clip.mp4', 'video/mp4'),
    ]) {
      expect(res.status).toBe(400);
      expect(res.json.error).toMatchObject({ param: 'file', reason: 'unsupported_format' });
    }
  });

  it('asks for the multipart field named file', async () => {
    const res = await multipartUpload('/v1/uploads/images', await readFile(fx.redPng), 'red.png', 'image/png', 'image');
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ param: 'file', reason: 'required' });
  });
});

describe('media from uploads and data: URIs', () => {
  it('an uploaded image and a data: URI image as first frame both complete a task with the local engine', async () => {
    const uploaded = await multipartUpload('/v1/files', await readFile(fx.redPng), 'red.png', 'image/png');
    const bodies = [
      { model: 'wan2.7', image_urls: [uploaded.json.data.url], resolution: '720P', duration: 2 },
      { model: 'wan2.7', image_with_roles: [{ url: await dataUri(fx.blueJpg, 'image/jpeg'), role: 'first_frame' }], resolution: '720P', duration: 2 },
    ];
    const ids: string[] = [];
    for (const body of bodies) {
      const created = await server.api('POST', '/v1/videos/generations', body, alice);
      expect(created.status, JSON.stringify(created.json)).toBe(200);
      ids.push(created.json.data[0].task_id);
    }
    for (const id of ids) {
      const task = await waitForTask(server, id, alice);
      expect(task.status, JSON.stringify(task.error)).toBe('completed');
      expect(task.mode).toBe('i2v_first_frame');
    }
    // The inline image became a file of the key: the task keeps its URL, not the bytes.
    const stored = (await server.deps.tasks.getTask(ids[1]!))!.request as UnifiedRequest;
    expect(stored.firstFrameUrl).toMatch(new RegExp(`^${server.url}/v1/files/file_[0-9A-HJKMNP-TV-Z]{26}/content$`));
    const fileId = /file_\w+/.exec(stored.firstFrameUrl!)![0];
    const meta = await server.api('GET', `/v1/files/${fileId}`, undefined, alice);
    expect(meta.json.data).toMatchObject({ kind: 'image', content_type: 'image/jpeg' });
  });

  it('refuses a bad data: URI with 400 naming the exact field', async () => {
    const png = await dataUri(fx.redPng, 'image/png');
    const cases = [
      [{ image_urls: ['data:image/png;base64,!!!not base64!!!'] }, 'image_urls[0]', 'invalid_data_uri'],
      [{ image_urls: [png, 'data:image/png,rawtext'] }, 'image_urls[1]', 'invalid_data_uri'],
      [{ image_with_roles: [{ url: png }, { url: await dataUri(fx.fakePng, 'image/png'), role: 'last_frame' }] }, 'image_with_roles[1].url', 'unsupported_format'],
      [{ image_urls: [await dataUri(fx.blueJpg, 'image/png')] }, 'image_urls[0]', 'unsupported_format'],
      [{ image_urls: [png], audio_url: png }, 'audio_url', 'unsupported_format'],
      [{ video_urls: [await dataUri(fx.toneWav, 'audio/wav')] }, 'video_urls[0]', 'unsupported_format'],
    ] as const;
    const before = await listUploads();
    for (const [media, param, reason] of cases) {
      const res = await server.api('POST', '/v1/videos/generations', { model: 'wan2.7', prompt: 'x', resolution: '720P', duration: 2, ...media }, alice);
      expect(res.status, `${param}: ${JSON.stringify(res.json)}`).toBe(400);
      expect(res.json.error).toMatchObject({ param, reason });
    }
    // One bad field stores nothing, not even the good fields before it.
    expect(await listUploads()).toEqual(before);
  });

  it('keeps no inline media of a create that stores no task: refused for its balance, or a repeat', async () => {
    const png = await dataUri(fx.redPng, 'image/png');
    const body = { model: 'wan2.7', image_urls: [png], resolution: '720P', duration: 2 };
    const broke = (await server.api('POST', '/admin/keys', { name: 'broke', balance: 0 })).json.data.key;
    const before = await listUploads();
    const refused = await server.api('POST', '/v1/videos/generations', body, broke);
    expect(refused.status).toBe(402);
    expect(await listUploads()).toEqual(before);

    const repeat = async () => {
      const res = await fetch(`${server.url}/v1/videos/generations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json', 'idempotency-key': 'inline-repeat' },
        body: JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as any };
    };
    const first = await repeat();
    expect(first.status).toBe(200);
    const afterFirst = await listUploads();
    expect(afterFirst).toHaveLength(before.length + 1);
    const second = await repeat();
    expect(second.json.data[0].task_id).toBe(first.json.data[0].task_id);
    expect(await listUploads()).toEqual(afterFirst);
  });

  it('refuses a data: URI over the image limit with 413 naming the field', async () => {
    const big = Buffer.alloc(20 * 1024 * 1024 + 3);
    big.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const res = await server.api('POST', '/v1/videos/generations', { model: 'wan2.7', image_urls: [`data:image/png;base64,${big.toString('base64')}`] }, alice);
    expect(res.status).toBe(413);
    expect(res.json.error).toMatchObject({ param: 'image_urls[0]', reason: 'media_too_large' });
  });
});
