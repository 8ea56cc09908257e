import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ScratchSpace } from '../../domain/ports.js';

export interface LocalScratch extends ScratchSpace {
  /** This process's own folder under the root. */
  readonly dir: string;
  /** Removes this process's folder (shutdown). */
  close(): Promise<void>;
}

const processFolder = /^p(\d+)-[0-9a-f]+$/;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Scratch folders under root/p{pid}-{random}: one per process, so processes sharing a root never touch
 * each other's files. On start, folders of processes that are gone (crashed, killed) are removed; one
 * with this process's pid is stale too (a restarted container gets the same pid).
 */
export async function openLocalScratch(rootPath: string): Promise<LocalScratch> {
  const root = path.resolve(rootPath);
  await mkdir(root, { recursive: true });
  for (const name of await readdir(root)) {
    const pid = Number(processFolder.exec(name)?.[1] ?? Number.NaN);
    if (Number.isInteger(pid) && (pid === process.pid || !isAlive(pid))) await rm(path.join(root, name), { recursive: true, force: true });
  }
  const dir = path.join(root, `p${process.pid}-${randomBytes(6).toString('hex')}`);
  await mkdir(dir);
  return {
    dir,
    async makeDir(label) {
      return mkdtemp(path.join(dir, `${label.replace(/[^A-Za-z0-9_-]/g, '_')}-`));
    },
    async remove(folder) {
      if (!path.resolve(folder).startsWith(dir + path.sep)) throw new Error(`not a scratch folder of this process: ${folder}`);
      await rm(folder, { recursive: true, force: true });
    },
    async close() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}
