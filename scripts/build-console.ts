/**
 * Builds the web console into dist/console (run by `npm install` through `prepare`, and by
 * `npm run build:console`). Offline: Vite, Preact and uPlot come from node_modules.
 */
import { buildConsole } from '../src/http/console/console-assets.js';

await buildConsole();
