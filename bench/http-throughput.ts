import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createApiKey, ensureAdminKey } from '../src/app/api-keys.js';
import { parseConfig } from '../src/config.js';
import { buildHttpApp } from '../src/http/build-http-app.js';
import { buildServices } from '../src/services.js';

const require = createRequire(import.meta.url);
const autocannonBin = path.join(path.dirname(require.resolve('autocannon/package.json')), 'autocannon.js');

/** Runs autocannon in its own process so the load generator does not share the server's event loop. */
export async function measureRps(url: string, opts: { method?: string; body?: string; headers?: Record<string, string>; seconds?: number }): Promise<number> {
  const args = [autocannonBin, '-j', '-c', '32', '-d', String(opts.seconds ?? 5), '-m', opts.method ?? 'GET'];
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push('-H', `${k}=${v}`);
  if (opts.body) args.push('-b', opts.body);
  args.push(url);
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('error', reject);
    child.on('close', () => resolve(text));
  });
  const result = JSON.parse(out) as { requests: { average: number }; non2xx: number };
  if (result.non2xx > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers during the run`);
  return result.requests.average;
}

type Target = { url: string; method?: string; body?: string; headers?: Record<string, string> };

/**
 * Measures two targets in alternating rounds and keeps each one's best round, so a burst of
 * background load on the machine cannot favour one side of a ratio.
 */
export async function compareRps(a: Target, b: Target, rounds = 3, seconds = 3): Promise<[number, number]> {
  let bestA = 0;
  let bestB = 0;
  for (let i = 0; i < rounds; i++) {
    bestA = Math.max(bestA, await measureRps(a.url, { ...a, seconds }));
    bestB = Math.max(bestB, await measureRps(b.url, { ...b, seconds }));
  }
  return [bestA, bestB];
}

/** A server in this process (no workers), a bare route beside the real ones, and a user key. */
export async function startBenchServer(env: Record<string, string>) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'wangate-bench-'));
  const adminKey = 'wg_bench_admin_key_0123456789abcdef';
  const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, WANGATE_ADMIN_KEY: adminKey, WORKER_CONCURRENCY: '0', LOG_LEVEL: 'silent', ...env });
  const services = await buildServices(config);
  await ensureAdminKey(services.deps, adminKey);
  // A user key with a balance large enough for every request of the run: holds are real.
  const { secret } = await createApiKey(services.deps, { name: 'bench', scopes: ['user'], balanceMinor: 1e12 });
  const app = buildHttpApp(services.deps, { logLevel: 'silent', requestTimeoutMs: config.httpRequestTimeoutMs, headersTimeoutMs: config.httpHeadersTimeoutMs });
  app.post('/bench/bare', async () => ({ ok: true }));
  app.get('/bench/bare', async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  return {
    app,
    base,
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    async close() {
      await app.close();
      await services.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const body = JSON.stringify({ model: 'wan2.7', prompt: 'A cat chasing butterflies on the grass', resolution: '720P', duration: 5 });

export async function benchHttp(): Promise<Record<string, number>> {
  const s = await startBenchServer({});
  try {
    const created = await s.app.inject({ method: 'POST', url: '/v1/videos/generations', payload: body, headers: s.headers });
    const taskId = (created.json() as { data: { task_id: string }[] }).data[0]!.task_id;
    const [bareGetRps, statusRps] = await compareRps({ url: `${s.base}/bench/bare`, headers: s.headers }, { url: `${s.base}/v1/tasks/${taskId}`, headers: s.headers });
    const [bareRps, createRps] = await compareRps(
      { url: `${s.base}/bench/bare`, method: 'POST', body, headers: s.headers },
      { url: `${s.base}/v1/videos/generations`, method: 'POST', body, headers: s.headers },
    );
    return {
      bare_post_rps: Math.round(bareRps),
      create_task_rps: Math.round(createRps),
      create_vs_bare: +(createRps / bareRps).toFixed(2),
      bare_get_rps: Math.round(bareGetRps),
      task_status_rps: Math.round(statusRps),
      status_vs_bare: +(statusRps / bareGetRps).toFixed(2),
    };
  } finally {
    await s.close();
  }
}

/** Create throughput with holds on a balance (billing on) versus no ledger at all (billing off). */
export async function benchBilling(): Promise<Record<string, number>> {
  const off = await startBenchServer({ WANGATE_BILLING: 'false' });
  const on = await startBenchServer({ WANGATE_BILLING: 'true' });
  try {
    const target = (server: typeof on) => ({ url: `${server.base}/v1/videos/generations`, method: 'POST', body, headers: server.headers });
    const [offRps, onRps] = await compareRps(target(off), target(on));
    return { create_rps_billing_off: Math.round(offRps), create_rps_billing_on: Math.round(onRps), billing_on_vs_off: +(onRps / offRps).toFixed(2) };
  } finally {
    await off.close();
    await on.close();
  }
}
