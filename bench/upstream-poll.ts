/**
 * 1,000 in-flight tasks on one DashScope account, on the fake DashScope (render stubbed to copy one tiny
 * pre-made MP4), driven through the DashScope engine exactly as the worker drives it (start, then poll
 * while running, at least a second apart). Creates are spread over 60 s and every render takes 60 s, so
 * all 1,000 are in flight together and they end over the following ~60 s (about 17 a second).
 *
 * Reports the busiest second of queries + list calls the fake saw on the account (the limit is 20), and
 * the delay from the upstream's end_time to the engine returning `done` (the MP4 copied and probed).
 * Note the floor: the batch list carries no video URL, so every ended task costs one detail query; at
 * 20 queries/s no design notices more than ~20 ended tasks a second.
 *
 * Run alone: npx tsx bench/upstream-poll.ts
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createDashscopeEngine } from '../src/adapters/engines/dashscope/dashscope-engine.js';
import { decodeState } from '../src/adapters/engines/dashscope/engine-state.js';
import { ffmpegPath } from '../src/adapters/media/ffmpeg-paths.js';
import { createFfprobeProber } from '../src/adapters/media/probe.js';
import { createSafeFetcher } from '../src/adapters/media/safe-fetch.js';
import type { EngineContext, EngineJob, EngineStep } from '../src/domain/ports.js';
import type { GenerationRequest } from '../src/domain/request.js';
import { startFakeDashscope } from '../src/dev/fake-dashscope/fake-dashscope.js';

const run = promisify(execFile);
const tasks = 1000;
const createSpreadMs = 60_000;
const pendingMs = 10_000;
const runningMs = 50_000;
const workerPollIntervalMs = 1000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

export async function benchUpstreamPoll(): Promise<Record<string, number>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-bench-poll-'));
  const tiny = path.join(dir, 'tiny.mp4');
  await run(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=navy:s=320x180:r=30:d=1', '-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=mono', '-t', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', tiny]);
  const fake = await startFakeDashscope({ keys: [{ key: 'sk-bench', account: 'bench' }], pendingMs, runningMs, render: (_task, out) => copyFile(tiny, out) });
  const engine = createDashscopeEngine({
    channels: [{ id: 'bench', baseUrl: fake.url, apiKey: 'sk-bench', maxConcurrent: tasks, priority: 0, weight: 1 }],
    queryBudgetPerSecond: 20,
    fetcher: createSafeFetcher({ allowLoopback: true, timeoutMs: 30_000, maxRedirects: 2 }),
    prober: createFfprobeProber(),
  });
  const upstreamIdOf = new Map<string, string>();
  const doneAtMs = new Map<string, number>();
  try {
    const drive = async (i: number): Promise<void> => {
      const taskId = `bench_${i}`;
      const request: GenerationRequest = { model: 'wan2.7', mode: 't2v', prompt: `bench task ${i}`, resolution: '720P', durationSeconds: 2, size: '16:9', sizeIgnored: false, promptExtend: false, watermark: false, seed: i };
      const job: EngineJob = { taskId, request, inputs: {}, mediaUrls: {}, outputPath: path.join(dir, `${taskId}.mp4`) };
      let state: string | null = null;
      const ctx: EngineContext = {
        signal: new AbortController().signal,
        onProgress: () => undefined,
        saveState: async (s) => {
          state = s;
        },
        acquireChannel: async (candidates) => candidates[0]?.id ?? null,
      };
      let step: EngineStep = await engine.start(job, ctx);
      while (step.kind === 'running' || step.kind === 'wait') {
        const startedMs = Date.now();
        if (step.kind === 'wait') await new Promise((r) => setTimeout(r, step.kind === 'wait' ? step.retryAfterMs : 0));
        step = step.kind === 'running' ? await engine.poll(job, step.state, ctx) : await engine.start(job, ctx);
        const elapsedMs = Date.now() - startedMs;
        if (step.kind === 'running' && elapsedMs < workerPollIntervalMs) await new Promise((r) => setTimeout(r, workerPollIntervalMs - elapsedMs));
      }
      if (step.kind !== 'done') throw new Error(`bench task ${i} ended ${JSON.stringify(step)}`);
      doneAtMs.set(taskId, Date.now());
      const saved = state ? decodeState(state) : undefined;
      if (saved?.phase === 'submitted') upstreamIdOf.set(taskId, saved.upstreamTaskId);
      await rm(job.outputPath, { force: true });
    };
    const runs: Promise<void>[] = [];
    const t0 = Date.now();
    for (let i = 0; i < tasks; i++) {
      const due = t0 + (i * createSpreadMs) / tasks;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      runs.push(drive(i));
    }
    await Promise.all(runs);

    const ended = new Map(fake.tasks().map((t) => [t.taskId, t.endedAtMs]));
    const delays = [...doneAtMs].map(([taskId, at]) => (at - ended.get(upstreamIdOf.get(taskId)!)!) / 1000).sort((a, b) => a - b);
    const stats = fake.stats();
    return {
      tasks,
      upstream_queries_per_second_max: stats.maxQueriesInOneSecond.bench ?? 0,
      completion_delay_p50_seconds: Number(percentile(delays, 0.5).toFixed(2)),
      completion_delay_p95_seconds: Number(percentile(delays, 0.95).toFixed(2)),
      completion_delay_max_seconds: Number(percentile(delays, 1).toFixed(2)),
      upstream_detail_queries: stats.queries,
      upstream_list_calls: stats.listCalls,
      upstream_throttled: stats.throttled,
      upstream_creates: stats.createCalls,
    };
  } finally {
    engine.close();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const isEntry = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isEntry) console.log(JSON.stringify(await benchUpstreamPoll(), null, 2));
