import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Wangate } from '../packages/client/src/index.js';
import { startBenchServer } from './http-throughput.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[Math.floor((sorted.length - 1) / 2)]! + sorted[Math.ceil((sorted.length - 1) / 2)]!) / 2;
};

/** Milliseconds of each of `count` calls of two functions, taken in turns so load on the machine hits both alike. */
async function pairedMs(count: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number[], number[]]> {
  const timesA: number[] = [];
  const timesB: number[] = [];
  for (let i = 0; i < count; i++) {
    for (const [call, times] of i % 2 === 0 ? ([[a, timesA], [b, timesB]] as const) : ([[b, timesB], [a, timesA]] as const)) {
      const start = performance.now();
      await call();
      times.push(performance.now() - start);
    }
  }
  return [timesA, timesB];
}

/**
 * SDK overhead: client.tasks.retrieve against a bare fetch + JSON parse of the same URL, sequential
 * calls to a server in this process taken in turns, the median call of each (target: within 10 %).
 */
async function benchRetrieveOverhead(): Promise<Record<string, number>> {
  const s = await startBenchServer({});
  try {
    const created = await s.app.inject({ method: 'POST', url: '/v1/videos/generations', payload: JSON.stringify({ model: 'wan2.7', prompt: 'bench', resolution: '720P', duration: 5 }), headers: s.headers });
    const taskId = (created.json() as { data: { task_id: string }[] }).data[0]!.task_id;
    const client = new Wangate({ apiKey: s.headers.authorization.slice('Bearer '.length), baseURL: s.base });
    const url = `${s.base}/v1/tasks/${taskId}`;
    const bare = async () => (await fetch(url, { headers: { authorization: s.headers.authorization, accept: 'application/json' } })).json();
    const sdk = () => client.tasks.retrieve(taskId);
    await pairedMs(300, bare, sdk);
    const [bareTimes, sdkTimes] = await pairedMs(3000, bare, sdk);
    const bareMs = median(bareTimes);
    const sdkMs = median(sdkTimes);
    return { bare_fetch_ms: +bareMs.toFixed(3), sdk_retrieve_ms: +sdkMs.toFixed(3), sdk_overhead_pct: +((sdkMs / bareMs - 1) * 100).toFixed(1) };
  } finally {
    await s.close();
  }
}

/** Cold start of `wangate --help` (node bin/wangate.mjs): the median and the slowest of 10 spawns after one warm-up (target: under 300 ms). */
function benchCliColdStart(): Record<string, number> {
  const spawnMs = () => {
    const start = performance.now();
    const run = spawnSync(process.execPath, [path.join(root, 'bin/wangate.mjs'), '--help'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (run.status !== 0) throw new Error(`wangate --help exited ${run.status}`);
    return performance.now() - start;
  };
  spawnMs();
  const times = Array.from({ length: 10 }, spawnMs).sort((a, b) => a - b);
  return { cli_help_cold_start_ms: Math.round((times[4]! + times[5]!) / 2), cli_help_cold_start_max_ms: Math.round(times[9]!) };
}

export async function benchClient(): Promise<Record<string, number>> {
  return { ...(await benchRetrieveOverhead()), ...benchCliColdStart() };
}
