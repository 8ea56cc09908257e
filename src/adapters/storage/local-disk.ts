import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BlobStore } from '../../domain/ports.js';

/** Blobs as files under one root; keys are relative paths made only by us (never from user input). */
export function createLocalDiskStore(root: string): BlobStore {
  const resolve = (key: string) => {
    const full = path.resolve(root, key);
    if (!full.startsWith(path.resolve(root) + path.sep)) throw new Error(`blob key escapes the store: ${key}`);
    return full;
  };
  return {
    async pathFor(key) {
      const full = resolve(key);
      await mkdir(path.dirname(full), { recursive: true });
      return full;
    },
    async exists(key) {
      return stat(resolve(key)).then(
        (s) => s.isFile(),
        () => false,
      );
    },
    async remove(key) {
      await rm(resolve(key), { force: true, recursive: true });
    },
    async list(folder) {
      return readdir(resolve(folder)).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return [];
        throw e;
      });
    },
  };
}
