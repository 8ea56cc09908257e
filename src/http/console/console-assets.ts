import { createHash } from 'node:crypto';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The web console's static files: built by Vite from `console/` (Preact, plus the domain's own request
 * rules from `src/domain`) into `dist/console/`. `npm install` builds them (the `prepare` script),
 * `npm start` rebuilds them when missing or older than their sources, and the server only serves.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const consoleSourceDir = path.join(root, 'console');
export const consoleDistDir = path.join(root, 'dist', 'console');
const stampFile = '.source-hash';
/** Everything the bundle is built from. */
const sourceDirs = [consoleSourceDir, path.join(root, 'src', 'domain')];

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && !e.name.endsWith('.test.ts'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** A hash of every source file's path and bytes, written beside the build to tell whether it is current. */
export async function consoleSourceHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of sourceDirs) {
    for (const file of await listFiles(dir)) hash.update(path.relative(root, file)).update('\0').update(await readFile(file)).update('\0');
  }
  return hash.digest('hex');
}

export async function consoleBuildIsCurrent(): Promise<boolean> {
  const [built, current] = await Promise.all([readFile(path.join(consoleDistDir, stampFile), 'utf8').catch(() => ''), consoleSourceHash()]);
  return built === current;
}

/**
 * Builds the console into a fresh folder and moves it into place, so a server (or a parallel build)
 * never sees half a build. Vite is loaded only here: serving needs none of it.
 */
export async function buildConsole(opts: { quiet?: boolean } = {}): Promise<void> {
  const { build } = await import('vite');
  const hash = await consoleSourceHash();
  const outDir = `${consoleDistDir}.${process.pid}.${Date.now()}`;
  await build({
    root: consoleSourceDir,
    base: '/console/',
    configFile: false,
    logLevel: opts.quiet ? 'warn' : 'info',
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      // No inline data: assets and no inline polyfill: the page's CSP allows scripts from 'self' only.
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
      reportCompressedSize: false,
    },
  });
  await writeFile(path.join(outDir, stampFile), hash);
  const old = `${outDir}.old`;
  await rename(consoleDistDir, old).catch(() => undefined);
  try {
    await rename(outDir, consoleDistDir);
  } catch {
    // Another build won the race: its result is just as current.
    await rm(outDir, { recursive: true, force: true });
  }
  await rm(old, { recursive: true, force: true });
}

/** Builds the console when it is missing or older than its sources. */
export async function ensureConsoleBuilt(opts: { quiet?: boolean } = {}): Promise<void> {
  if (!(await consoleBuildIsCurrent())) await buildConsole(opts);
}
