/**
 * npm run openapi: writes openapi.json at the repository root from the route catalogue, the table
 * of error reasons in README.md from the reason catalogue, and the SDK's types generated from
 * openapi.json. Commit the result; test/integration/openapi.test.ts and
 * test/integration/client-types.test.ts fail when these files and the code drift apart.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { committedOpenApiText } from '../src/http/openapi/build-openapi.js';
import { withReadmeReasons } from '../src/http/openapi/reason-docs.js';
import { clientTypesPath, generateClientTypes } from './client-types.js';

async function update(name: string, render: (before: string | null) => string | Promise<string>): Promise<void> {
  const target = fileURLToPath(new URL(`../${name}`, import.meta.url));
  const before = await readFile(target, 'utf8').catch(() => null);
  const text = await render(before);
  if (before === text) {
    process.stdout.write(`${name} is up to date\n`);
  } else {
    await writeFile(target, text);
    process.stdout.write(`${name} ${before === null ? 'written' : 'updated'} (${text.length} bytes)\n`);
  }
}

const openApiText = committedOpenApiText();
await update('openapi.json', () => openApiText);
await update('README.md', (before) => withReadmeReasons(before ?? ''));
await update(clientTypesPath, () => generateClientTypes(openApiText));
