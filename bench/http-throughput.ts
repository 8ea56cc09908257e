import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureAdminKey } from '../src/app/api-keys.js';
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

export async function benchHttp(): Promise<Record<string, number>> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'wangate-bench-'));
  const adminKey = 'wg_bench_admin_key_0123456789abcdef';
  const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, WANGATE_ADMIN_KEY: adminKey, WORKER_CONCURRENCY: '0', LOG_LEVEL: 'silent' });
  const services = await buildServices(config);
  await ensureAdminKey(services.deps, adminKey);
  const app = buildHttpApp(services.deps, { logLevel: 'silent' });
  app.post('/bench/bare', async () => ({ ok: true }));
  app.get('/bench/bare', async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const auth = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
  const body = JSON.stringify({ model: 'wan2.7', prompt: 'A cat chasing butterflies on the grass', resolution: '720P', duration: 5 });
  try {
    const bareRps = await measureRps(`${base}/bench/bare`, { method: 'POST', body, headers: auth });
    const createRps = await measureRps(`${base}/v1/videos/generations`, { method: 'POST', body, headers: auth });
    const created = await app.inject({ method: 'POST', url: '/v1/videos/generations', payload: body, headers: auth });
    const taskId = (created.json() as { data: { task_id: string }[] }).data[0]!.task_id;
    const bareGetRps = await measureRps(`${base}/bench/bare`, { headers: auth });
    const statusRps = await measureRps(`${base}/v1/tasks/${taskId}`, { headers: auth });
    return {
      bare_post_rps: Math.round(bareRps),
      create_task_rps: Math.round(createRps),
      create_vs_bare: +(createRps / bareRps).toFixed(2),
      bare_get_rps: Math.round(bareGetRps),
      task_status_rps: Math.round(statusRps),
      status_vs_bare: +(statusRps / bareGetRps).toFixed(2),
    };
  } finally {
    await app.close();
    await services.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
