import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { encodeFixtures } from './helpers/make-fixtures.js';

declare module 'vitest' {
  export interface ProvidedContext {
    fixturesDir: string;
  }
}

interface Shared {
  dir: Promise<string>;
  users: number;
}

// Every project that lists this setup runs it in the one main process: the first encodes, the rest reuse.
const key = Symbol.for('wangate.test.fixtures');
const store = globalThis as { [key]?: Shared };

/** Encodes the fixture media once per run; each suite copies them into its own folder (makeFixtures). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const shared = (store[key] ??= {
    dir: mkdtemp(path.join(os.tmpdir(), 'wangate-fixtures-')).then(async (dir) => (await encodeFixtures(dir)).dir),
    users: 0,
  });
  shared.users += 1;
  project.provide('fixturesDir', await shared.dir);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete store[key];
    await rm(await shared.dir, { recursive: true, force: true });
  };
}
