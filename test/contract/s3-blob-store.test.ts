import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Store, type S3Store } from '../../src/adapters/storage/s3-store.js';
import { isAppErrorOf } from '../../src/domain/errors.js';
import { route, startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { s3Credentials, startS3Server, type S3Server } from '../helpers/s3-server.js';
import { closedPort } from '../helpers/tcp-proxy.js';
import { runBlobContract } from './blob-contract.js';

const storeAt = (endpoint: string, bucket: string, over: Partial<Parameters<typeof createS3Store>[0]> = {}) =>
  createS3Store({ bucket, prefix: 'contract/', endpoint, region: 'us-east-1', forcePathStyle: true, credentials: s3Credentials, ...over });

runBlobContract('S3 (s3rver)', async () => {
  const s3 = await startS3Server();
  const store = storeAt(s3.endpoint, s3.bucket);
  return {
    store,
    async close() {
      store.close();
      await s3.close();
    },
  };
});

const isStorageUnavailable = (e: unknown) => isAppErrorOf(e, 'upstream_unavailable') && e.reason === 'storage_unavailable';

describe('S3 blob store', () => {
  let s3: S3Server;
  let proxy: FaultProxy;
  let store: S3Store;
  let dir: string;
  beforeAll(async () => {
    s3 = await startS3Server();
    proxy = await startFaultProxy(s3.endpoint);
    // A short socket timeout (long enough for the proxy to take in an 8 MiB part) and two attempts:
    // a hung store fails a call within seconds.
    store = storeAt(proxy.url, s3.bucket, { socketTimeoutMs: 1500, maxAttempts: 2 });
    dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-s3-faults-'));
  });
  afterAll(async () => {
    store?.close();
    await proxy?.close();
    await s3?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const puts = (k: string) => proxy.requests.filter(route('PUT', new RegExp(`/${k}$`)));

  it('sends a file larger than one part as a multipart upload of 8 MiB parts', async () => {
    const file = path.join(dir, 'big.mp4');
    await writeFile(file, randomBytes(12 * 1024 * 1024));
    await store.putFile('results/multi.mp4', file);
    const sent = proxy.requests.filter((r) => r.url.split('?')[0]!.endsWith('/results/multi.mp4'));
    expect(sent.filter((r) => r.method === 'POST' && /[?&]uploads/.test(r.url))).toHaveLength(1);
    expect(sent.filter((r) => r.method === 'PUT' && /[?&]partNumber=/.test(r.url))).toHaveLength(2);
    expect((await store.stat('results/multi.mp4'))?.bytes).toBe(12 * 1024 * 1024);
  });

  it('retries a write answered 503 and stores the object once', async () => {
    proxy.inject(route('PUT', /\/results\/retried\.mp4$/), { status: 503 });
    await store.putStream('results/retried.mp4', Readable.from([Buffer.from('video')]));
    expect(puts('results/retried.mp4')).toHaveLength(2);
    expect((await store.stat('results/retried.mp4'))?.bytes).toBe(5);
  });

  it('fails a write the store keeps refusing with a retryable storage_unavailable, and keeps nothing', async () => {
    proxy.inject(route('PUT', /\/results\/refused\.mp4$/), { status: 500 }, { status: 503 });
    const file = path.join(dir, 'small.mp4');
    await writeFile(file, 'video');
    const error = await store.putFile('results/refused.mp4', file).catch((e) => e);
    expect(isStorageUnavailable(error)).toBe(true);
    expect(await store.stat('results/refused.mp4')).toBeUndefined();
  });

  it('fails a read whose connection is cut mid-body instead of returning short data', async () => {
    await store.putStream('results/cut.bin', Readable.from([randomBytes(200_000)]));
    proxy.inject(route('GET', /\/results\/cut\.bin$/), { cut: 'mid-body', afterBytes: 10_000 });
    const body = await store.open('results/cut.bin');
    await expect((async () => { for await (const _ of body!) { /* drain */ } })()).rejects.toThrow();
  });

  it('gives up on a store that does not answer within the socket timeout, as storage_unavailable', async () => {
    proxy.inject(route('HEAD', /\/results\/hung$/), { hang: true }, { hang: true });
    const started = Date.now();
    const error = await store.stat('results/hung').catch((e) => e);
    expect(isStorageUnavailable(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('fails its ping when nothing listens at the endpoint', async () => {
    const down = storeAt(`http://127.0.0.1:${await closedPort()}`, s3.bucket, { maxAttempts: 1 });
    try {
      await expect(down.ping()).rejects.toThrow();
    } finally {
      down.close();
    }
  });

  it('presigns a URL that serves the object with the given type, and only until it expires', async () => {
    await store.putStream('results/signed.mp4', Readable.from([Buffer.from('signed video')]));
    const direct = storeAt(s3.endpoint, s3.bucket);
    try {
      const url = await direct.presign!('results/signed.mp4', 60, { contentType: 'video/mp4', filename: 'task.mp4' });
      expect(url).toMatch(/X-Amz-Signature=/);
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('video/mp4');
      expect(await res.text()).toBe('signed video');
      const ranged = await fetch(url, { headers: { range: 'bytes=7-11' } });
      expect(ranged.status).toBe(206);
      expect(await ranged.text()).toBe('video');
    } finally {
      direct.close();
    }
  });
});
