/**
 * npm run openapi: writes openapi.json at the repository root from the route catalogue, and the table
 * of error reasons in README.md from the reason catalogue. Commit the result;
 * test/integration/openapi.test.ts fails when either file and the code drift apart.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { committedOpenApiText } from '../src/http/openapi/build-openapi.js';
import { withReadmeReasons } from '../src/http/openapi/reason-docs.js';

async function update(name: string, render: (before: string | null) => string): Promise<void> {
  const target = fileURLToPath(new URL(`../${name}`, import.meta.url));
  const before = await readFile(target, 'utf8').catch(() => null);
  const text = render(before);
  if (before === text) {
    process.stdout.write(`${name} is up to date\n`);
  } else {
    await writeFile(target, text);
    process.stdout.write(`${name} ${before === null ? 'written' : 'updated'} (${text.length} bytes)\n`);
  }
}

await update('openapi.json', () => committedOpenApiText());
await update('README.md', (before) => withReadmeReasons(before ?? ''));
