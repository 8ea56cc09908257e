/**
 * The SDK's types are generated from the committed openapi.json (which openapi.test.ts checks against
 * the schemas); the SDK's public types are aliases of them, so an API change that the SDK does not
 * follow fails the typecheck. This test fails when the generated file was not regenerated.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { clientTypesPath, generateClientTypes } from '../../scripts/client-types.js';

const root = new URL('../../', import.meta.url);

it('packages/client/src/openapi-types.ts is what openapi-typescript generates from openapi.json', async () => {
  const document = await readFile(fileURLToPath(new URL('openapi.json', root)), 'utf8');
  const committed = await readFile(fileURLToPath(new URL(clientTypesPath, root)), 'utf8');
  const generated = await generateClientTypes(document);
  if (committed !== generated) expect.fail(`${clientTypesPath} is out of date: run \`npm run openapi\` and commit the result`);
  expect(committed).toContain('Task: {');
});
