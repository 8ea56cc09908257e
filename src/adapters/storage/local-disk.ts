import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from '../../domain/ports.js';

/** Where whole files are assembled before they appear under their key (same disk, so a rename is atomic). */
const stagingFolder = '.staging';

const isMissing = (e: unknown) => ['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '');

/** The operation's result, or `fallback` when the file (or a folder on its path) does not exist. */
const unlessMissing = <T, F>(op: Promise<T>, fallback: F): Promise<T | F> =>
  op.catch((e: unknown) => {
    if (isMissing(e)) return fallback;
    throw e;
  });

/** Blobs as files under one root; keys are relative paths made only by us (never from user input). */
export function createLocalDiskStore(root: string): BlobStore {
  const base = path.resolve(root);
  const resolve = (key: string) => {
    const full = path.resolve(base, key);
    if (!full.startsWith(base + path.sep) || key.startsWith(stagingFolder)) throw new Error(`blob key escapes the store: ${key}`);
    return full;
  };
  const stagingPath = async () => {
    await mkdir(path.join(base, stagingFolder), { recursive: true });
    return path.join(base, stagingFolder, randomBytes(12).toString('hex'));
  };
  const publish = async (staged: string, key: string) => {
    const full = resolve(key);
    await mkdir(path.dirname(full), { recursive: true });
    await rename(staged, full);
  };
  return {
    async putFile(key, filePath) {
      const full = resolve(key);
      await mkdir(path.dirname(full), { recursive: true });
      try {
        await rename(filePath, full);
      } catch (e) {
        // Scratch on another disk: copy beside the target first, so readers never see half a file.
        if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
        const staged = await stagingPath();
        await copyFile(filePath, staged);
        await publish(staged, key);
      }
    },
    async putStream(key, source: Readable) {
      const staged = await stagingPath();
      try {
        await pipeline(source, createWriteStream(staged, { flags: 'wx' }));
        await publish(staged, key);
      } catch (e) {
        await rm(staged, { force: true });
        throw e;
      }
    },
    async open(key, range) {
      // Opened before answering: a file deleted afterwards still reads whole (the descriptor keeps it).
      const handle = await unlessMissing(open(resolve(key), 'r'), undefined);
      return handle?.createReadStream(range ? { start: range.start, end: range.end } : {});
    },
    async stat(key) {
      const s = await unlessMissing(stat(resolve(key)), undefined);
      if (!s?.isFile()) return undefined;
      // The same validator @fastify/send wrote before, so ETags clients hold stay valid.
      return { bytes: s.size, etag: `W/"${s.size.toString(16)}-${s.mtime.getTime().toString(16)}"`, modifiedMs: s.mtime.getTime() };
    },
    async delete(key) {
      const full = resolve(key);
      await rm(full, { force: true, recursive: true });
      // Folders left empty go too, as they would in an object store (they have no folders).
      for (let dir = path.dirname(full); dir.startsWith(base + path.sep); dir = path.dirname(dir)) {
        if (!(await rmdir(dir).then(() => true, () => false))) break;
      }
    },
    async list(prefix) {
      const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
      const start = folder ? resolve(folder) : base;
      const entries = await unlessMissing(readdir(start, { recursive: true, withFileTypes: true }), []);
      return entries
        .filter((e) => e.isFile())
        .map((e) => path.relative(base, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
        .filter((key) => key.startsWith(prefix) && !key.startsWith(stagingFolder + '/'));
    },
    async ping() {
      await mkdir(base, { recursive: true });
      await stat(base);
    },
  };
}
