import openapiTS from 'openapi-typescript';

/** Where the SDK keeps the types generated from openapi.json (committed; a test fails when they drift). */
export const clientTypesPath = 'packages/client/src/openapi-types.ts';

/** The SDK's request and response types, generated from the text of an OpenAPI document. */
export async function generateClientTypes(openApiText: string): Promise<string> {
  const header = '/**\n * Generated from openapi.json by `npm run openapi` (openapi-typescript). Do not edit.\n */\n\n';
  return openapiTS(JSON.parse(openApiText), { commentHeader: header, silent: true });
}
