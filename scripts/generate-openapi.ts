/**
 * npm run openapi: writes openapi.json at the repository root from the route catalogue. Commit the
 * result; test/integration/openapi.test.ts fails when the file and the schemas drift apart.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { committedOpenApiText } from '../src/http/openapi/build-openapi.js';

const target = fileURLToPath(new URL('../openapi.json', import.meta.url));
const text = committedOpenApiText();
const before = await readFile(target, 'utf8').catch(() => null);
if (before === text) {
  process.stdout.write('openapi.json is up to date\n');
} else {
  await writeFile(target, text);
  process.stdout.write(`openapi.json ${before === null ? 'written' : 'updated'} (${text.length} bytes)\n`);
}
