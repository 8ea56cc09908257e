/**
 * Writes `test/file-durations.json` from vitest's result cache of the last full run: seconds per
 * "project:file", which the longest-first sequencer reads on a fresh clone (where no cache exists yet).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const cacheDir = path.resolve('node_modules/.vite/vitest');
const cacheFiles = readdirSync(cacheDir).map((d) => path.join(cacheDir, d, 'results.json'));
const durations: Record<string, number> = {};
for (const file of cacheFiles) {
  const { results } = JSON.parse(readFileSync(file, 'utf8')) as { results: [string, { duration: number; failed: boolean }][] };
  for (const [key, r] of results) if (!r.failed && r.duration > 0) durations[key] = Math.round(r.duration / 100) / 10;
}
const sorted = Object.fromEntries(Object.entries(durations).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync('test/file-durations.json', `${JSON.stringify(sorted, null, 2)}\n`);
console.log(`test/file-durations.json: ${Object.keys(sorted).length} files`);
