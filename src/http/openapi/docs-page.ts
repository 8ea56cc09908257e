import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The interactive docs page (Swagger UI), served entirely from this server: the page, our init
 * script and the swagger-ui-dist files from node_modules. No URL of another host is ever loaded, so
 * the page works offline. Paths are relative, so the page also works behind a path prefix.
 */

const distDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The swagger-ui-dist files the page loads, by the name it asks for. */
const distAssets: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

export const docsInitScriptName = 'init.js';

export const docsPageHtml = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    <title>wangate API</title>
    <link rel="stylesheet" href="docs/swagger-ui.css">
    <link rel="icon" type="image/png" href="docs/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="docs/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="docs/swagger-ui-bundle.js"></script>
    <script src="docs/${docsInitScriptName}"></script>
  </body>
</html>
`;

/** Swagger UI on ../openapi.json; no validator badge (it would call another host). */
export const docsInitScript = `window.ui = SwaggerUIBundle({
  url: new URL('openapi.json', document.baseURI).href,
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  validatorUrl: null,
  defaultModelsExpandDepth: 0,
});
`;

export type DocsAsset = { kind: 'file'; path: string; contentType: string } | { kind: 'inline'; body: string; contentType: string };

/** A file of the docs page by name; undefined for anything else (no path ever reaches the disk). */
export function docsAsset(name: string): DocsAsset | undefined {
  if (name === docsInitScriptName) return { kind: 'inline', body: docsInitScript, contentType: 'text/javascript; charset=utf-8' };
  const contentType = Object.hasOwn(distAssets, name) ? distAssets[name] : undefined;
  return contentType ? { kind: 'file', path: path.join(distDir, name), contentType } : undefined;
}
