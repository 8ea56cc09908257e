import { benchHttp } from './http-throughput.js';

/** npm run bench: prints every number the issues ask for, measured in one run. */
const results: Record<string, Record<string, number>> = {};
results.http = await benchHttp();
console.log(JSON.stringify(results, null, 2));
