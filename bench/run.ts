import { benchClient } from './client.js';
import { benchConsole } from './console.js';
import { benchCrossProcessEvents } from './cross-process-events.js';
import { benchFetchMemory } from './fetch-memory.js';
import { benchPgCreate } from './pg-create.js';
import { benchPgCreateLevers } from './pg-create-levers.js';
import { benchBilling, benchHttp } from './http-throughput.js';
import { benchRender } from './render.js';
import { benchUpstreamPoll } from './upstream-poll.js';

/** npm run bench [names...]: prints every number the issues ask for, measured in one run; names pick benches (npm run bench upstream). */
const results: Record<string, Record<string, number>> = {};
const only = process.argv.slice(2);
const benches: Record<string, () => Promise<Record<string, number>>> = {
  http: benchHttp,
  billing: benchBilling,
  render: benchRender,
  fetch: benchFetchMemory,
  upstream: benchUpstreamPoll,
  client: benchClient,
  console: benchConsole,
  events: benchCrossProcessEvents,
  'pg-create': benchPgCreate,
  'pg-levers': benchPgCreateLevers,
};
const unknown = only.filter((name) => !(name in benches));
if (unknown.length > 0) {
  console.error(`unknown bench ${unknown.join(', ')}; the benches: ${Object.keys(benches).join(' ')}`);
  process.exit(2);
}
for (const [name, bench] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue;
  results[name] = await bench();
  console.error(`${name}: ${JSON.stringify(results[name])}`);
}
console.log(JSON.stringify(results, null, 2));
