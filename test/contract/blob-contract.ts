import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../src/domain/ports.js';

export interface BlobStoreUnderTest {
  store: BlobStore;
  close(): Promise<void>;
}

const read = async (s: Readable | undefined) => {
  if (!s) throw new Error('no such object');
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** What every blob store guarantees the use cases and the HTTP edge (run for local disk and S3). */
export function runBlobContract(name: string, open: () => Promise<BlobStoreUnderTest>): void {
  describe(`blob store contract: ${name}`, () => {
    let under: BlobStoreUnderTest;
    let blobs: BlobStore;
    let dir: string;
    // Each test under its own prefix: they share one store.
    let n = 0;
    const key = (k: string) => `c${++n}-${process.pid}/${k}`;

    beforeAll(async () => {
      under = await open();
      blobs = under.store;
      dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-blob-contract-'));
    });
    afterAll(async () => {
      await under?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('stores a stream and reads it back whole, with its size, an entity tag and when it was written', async () => {
      const k = key('results/a.mp4');
      const body = randomBytes(70_000);
      const before = Date.now();
      await blobs.putStream(k, Readable.from([body.subarray(0, 1000), body.subarray(1000)]), { contentType: 'video/mp4' });
      const stat = await blobs.stat(k);
      expect(stat?.bytes).toBe(body.length);
      expect(stat?.etag).toMatch(/^(W\/)?"[^"]+"$/);
      // Second-granular stores (S3's Last-Modified) round down.
      expect(stat!.modifiedMs).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
      expect(stat!.modifiedMs).toBeLessThanOrEqual(Date.now() + 1000);
      expect((await read(await blobs.open(k))).equals(body)).toBe(true);
    });

    it('reads exactly the bytes of a range: the first, the middle, the last byte, the tail', async () => {
      const k = key('ranged.bin');
      const body = randomBytes(10_000);
      await blobs.putStream(k, Readable.from([body]));
      for (const [start, end] of [
        [0, 0],
        [1234, 5678],
        [9999, 9999],
        [5000, 9999],
      ] as const) {
        expect((await read(await blobs.open(k, { start, end }))).equals(body.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
      }
    });

    it('stores a finished file larger than one 5 MiB part whole (multipart where the store has it)', async () => {
      const file = path.join(dir, 'big.mp4');
      const body = randomBytes(11 * 1024 * 1024 + 123);
      await writeFile(file, body);
      const k = key('results/big.mp4');
      await blobs.putFile(k, file, { contentType: 'video/mp4' });
      expect((await blobs.stat(k))?.bytes).toBe(body.length);
      expect(sha(await read(await blobs.open(k)))).toBe(sha(body));
      // A range across the part boundary.
      const start = 5 * 1024 * 1024 - 10;
      expect((await read(await blobs.open(k, { start, end: start + 19 }))).equals(body.subarray(start, start + 20))).toBe(true);
    });

    it('answers a missing object as absent: no stat, nothing to open, and deleting it is no error', async () => {
      const k = key('nothing-here.mp4');
      expect(await blobs.stat(k)).toBeUndefined();
      expect(await blobs.open(k)).toBeUndefined();
      expect(await blobs.open(k, { start: 0, end: 10 })).toBeUndefined();
      await blobs.delete(k);
    });

    it('lists the keys under a prefix, and nothing for an unknown prefix', async () => {
      const root = key('');
      for (const k of ['a/1', 'a/2', 'a/deep/3', 'ab/4', 'b/5']) await blobs.putStream(root + k, Readable.from([Buffer.from(k)]));
      expect((await blobs.list(`${root}a/`)).sort()).toEqual([`${root}a/1`, `${root}a/2`, `${root}a/deep/3`]);
      expect((await blobs.list(`${root}a`)).sort()).toEqual([`${root}a/1`, `${root}a/2`, `${root}a/deep/3`, `${root}ab/4`]);
      expect(await blobs.list(`${root}none/`)).toEqual([]);
      expect(await blobs.list(`${key('')}x/`)).toEqual([]);
    });

    it('deletes an object: gone from stat, open and listings; its neighbours stay', async () => {
      const root = key('');
      await blobs.putStream(`${root}d/1`, Readable.from([Buffer.from('one')]));
      await blobs.putStream(`${root}d/2`, Readable.from([Buffer.from('two')]));
      await blobs.delete(`${root}d/1`);
      expect(await blobs.stat(`${root}d/1`)).toBeUndefined();
      expect(await blobs.open(`${root}d/1`)).toBeUndefined();
      expect(await blobs.list(`${root}d/`)).toEqual([`${root}d/2`]);
      expect(await text((await blobs.open(`${root}d/2`))!)).toBe('two');
    });

    it('keeps nothing of a stream whose source fails, and rejects with the source error', async () => {
      const k = key('uploads/broken');
      async function* failing() {
        yield randomBytes(64 * 1024);
        throw new Error('client went away');
      }
      await expect(blobs.putStream(k, Readable.from(failing()))).rejects.toThrow('client went away');
      expect(await blobs.stat(k)).toBeUndefined();
      expect(await blobs.list(k)).toEqual([]);
    });

    it('replaces an object written again under the same key, with a new entity tag', async () => {
      const k = key('again');
      await blobs.putStream(k, Readable.from([Buffer.from('first')]));
      const first = await blobs.stat(k);
      await blobs.putStream(k, Readable.from([Buffer.from('second!')]));
      const second = await blobs.stat(k);
      expect(second?.bytes).toBe(7);
      expect(second?.etag).not.toBe(first?.etag);
      expect(await text((await blobs.open(k))!)).toBe('second!');
    });

    it('answers a ping while reachable', async () => {
      await blobs.ping();
    });
  });
}
