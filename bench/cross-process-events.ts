/**
 * Completion-to-SSE latency across processes on PostgreSQL (target: p95 under 100 ms). An API process
 * (the real entry point, spawned, WORKER_CONCURRENCY=0, its event streams' store polling set to a
 * minute so only LISTEN/NOTIFY counts) serves the streams; this process stands for a worker on another
 * machine: with its own pool it claims each task and completes it exactly as a worker does (the
 * compare-and-set, then the event). Latency runs from the completing transaction's commit to the
 * `completed` event arriving on a stream opened on the API process; `concurrency` streams at a time.
 *
 * Run alone: npx tsx bench/cross-process-events.ts
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parseConfig } from '../src/config.js';
import { buildServices } from '../src/services.js';
import { openSse } from '../test/helpers/sse-client.js';

const databaseUrl = process.env.WANGATE_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const tasks = 200;
const concurrency = 10;
const adminKey = 'wg_bench_admin_key_0123456789abcdef';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsxLoader = createRequire(import.meta.url).resolve('tsx');
const result = { blobKey: 'results/bench.mp4', width: 1280, height: 720, durationSeconds: 2, fps: 30, bytes: 1 };

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  await c.query(sql).finally(() => c.end());
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

async function spawnApi(env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', tsxLoader, path.join(root, 'src/main.ts'), 'serve'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the API process exited (${code}): ${out}`)));
  });
  return { url, stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGKILL'))) };
}

export async function benchCrossProcessEvents(): Promise<Record<string, number>> {
  const schema = `wangate_bench_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE SCHEMA ${schema}`);
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const dirs = [await mkdtemp(path.join(os.tmpdir(), 'wangate-bench-api-')), await mkdtemp(path.join(os.tmpdir(), 'wangate-bench-wrk-'))];
  const api = await spawnApi({ DATABASE_URL: url.toString(), DATA_DIR: dirs[0]!, WANGATE_ADMIN_KEY: adminKey, WORKER_CONCURRENCY: '0', TASK_WATCH_POLL_MS: '60000', SSE_HEARTBEAT_MS: '60000' });
  const worker = await buildServices(parseConfig({ DATABASE_URL: url.toString(), DATA_DIR: dirs[1]!, WORKER_CONCURRENCY: '0', LOG_LEVEL: 'silent' }));
  const { deps } = worker;
  const latenciesMs: number[] = [];
  const commitMs: number[] = [];
  try {
    const one = async (i: number) => {
      const res = await fetch(`${api.url}/v1/videos/generations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'wan2.7', prompt: `bench ${i}`, resolution: '720P', duration: 2 }),
      });
      const taskId = ((await res.json()) as { data: { task_id: string }[] }).data[0]!.task_id;
      const stream = await openSse(`${api.url}/v1/tasks/${taskId}/events`, adminKey);
      // Its first event: pending, or already completed when another stream's task claim took it.
      await stream.waitFor((m) => m.event !== 'comment');
      const workerId = `wrk_bench_${i}`;
      // Claims take the fairest task, not necessarily this one: whichever it is, it is ours to finish.
      const claimed = await deps.tasks.claimTask({ workerId, nowMs: Date.now(), leaseMs: 60_000, engines: ['local'] });
      if (!claimed) throw new Error('nothing to claim');
      const done = claimed.id === taskId ? stream : await openSse(`${api.url}/v1/tasks/${claimed.id}/events`, adminKey);
      const beganMs = performance.now();
      await deps.tasks.completeTask(claimed.id, workerId, Date.now(), result, 0, null);
      const committedMs = performance.now();
      deps.events.publish({ taskId: claimed.id, status: 'completed', progress: 100 });
      await done.waitFor((m) => m.event === 'completed', 10_000);
      latenciesMs.push(performance.now() - committedMs);
      commitMs.push(committedMs - beganMs);
      stream.abort();
      done.abort();
    };
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < tasks) await one(next++);
    }));
  } finally {
    await api.stop();
    await worker.close();
    await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    tasks: sorted.length,
    completionToSseP50Ms: round(percentile(sorted, 0.5)),
    completionToSseP95Ms: round(percentile(sorted, 0.95)),
    completionToSseMaxMs: round(sorted.at(-1) ?? NaN),
    // The completing transaction itself, for reference (not part of the latency above).
    completeTransactionP50Ms: round(percentile([...commitMs].sort((a, b) => a - b), 0.5)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchCrossProcessEvents());
