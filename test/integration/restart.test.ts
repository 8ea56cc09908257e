import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { killHard, spawnServer, type ServerProcess } from '../helpers/spawn-server.js';

const adminKey = 'wg_restart_admin_key_0123456789abcdef';
let dataDir = '';
let proc: ServerProcess | undefined;

afterAll(async () => {
  if (proc) await killHard(proc);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function call(url: string, method: string, urlPath: string, body?: unknown): Promise<any> {
  const res = await fetch(url + urlPath, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return res.json();
}

async function statuses(url: string, ids: string[]): Promise<any[]> {
  return Promise.all(ids.map(async (id) => (await call(url, 'GET', `/v1/tasks/${id}`)).data));
}

it('a server killed with -9 mid-render finishes every task exactly once after restart', async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'wangate-restart-'));
  // A short lease so the dead worker's task is taken over quickly after the restart.
  const env = { DATA_DIR: dataDir, WANGATE_ADMIN_KEY: adminKey, WORKER_CONCURRENCY: '1', WORKER_LEASE_MS: '1500', WORKER_IDLE_POLL_MS: '100' };
  proc = await spawnServer(env);
  const ids: string[] = [];
  // The first render is long enough to be killed in the middle; the two queued behind it need only finish.
  for (const [i, duration] of [6, 2, 2].entries()) {
    const created = await call(proc.url, 'POST', '/v1/videos/generations', { model: 'wan2.7', prompt: `restart ${i}`, resolution: '720P', duration, seed: i });
    ids.push(created.data[0].task_id);
  }
  // Kill only once a render is really under way.
  for (;;) {
    const s = await statuses(proc.url, ids);
    if (s.some((t) => t.status === 'processing' && t.progress > 0)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await killHard(proc);

  proc = await spawnServer(env);
  let final: any[] = [];
  for (;;) {
    final = await statuses(proc.url, ids);
    if (final.every((t) => t.status === 'completed' || t.status === 'failed')) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(final.map((t) => t.status)).toEqual(['completed', 'completed', 'completed']);
  await killHard(proc);
  proc = undefined;

  // Exactly one result file per task: a render that lost its lease never leaves a second result.
  const results = (await readdir(path.join(dataDir, 'blobs', 'results'))).sort();
  expect(results).toHaveLength(3);
  for (const t of final) expect(results.filter((f) => f.startsWith(t.id))).toHaveLength(1);
}, 180_000);
