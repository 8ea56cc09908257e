import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLocalDiskStore } from '../../src/adapters/storage/local-disk.js';
import { runBlobContract } from './blob-contract.js';

runBlobContract('local disk', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-blobs-'));
  return { store: createLocalDiskStore(dir), close: () => rm(dir, { recursive: true, force: true }) };
});

describe('local disk blob store', () => {
  it('leaves no folder behind once its last object is deleted, and no staging file after a failed stream', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-blobs-'));
    try {
      const blobs = createLocalDiskStore(dir);
      await blobs.putStream('inputs/task_1/firstFrame', Readable.from([Buffer.from('x')]));
      await blobs.delete('inputs/task_1/firstFrame');
      await expect(blobs.putStream('uploads/f', Readable.from((async function* () { yield Buffer.from('x'); throw new Error('cut'); })()))).rejects.toThrow('cut');
      expect((await readdir(dir, { recursive: true })).filter((e) => !e.startsWith('.staging'))).toEqual([]);
      expect(await readdir(path.join(dir, '.staging'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a key that leaves its folder', async () => {
    const blobs = createLocalDiskStore(os.tmpdir());
    await expect(blobs.stat('../etc/passwd')).rejects.toThrow(/escapes/);
  });
});
