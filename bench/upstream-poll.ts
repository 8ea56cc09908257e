/**
 * 10,000 tasks in flight on one DashScope account, on the fake DashScope (render stubbed to copy one tiny
 * pre-made MP4; run in a process of its own, as the real upstream is, so its rate count sees when requests
 * truly arrive), driven through the DashScope engine exactly as the worker drives it (start, then poll
 * while running, at least a second apart).
 *
 * The shape is a steady state: the tasks are created over `rampS`, then end at `endRate` a second in
 * roughly the order they were made (each end jittered by up to ±`jitterS`, as renders of one kind take
 * about the same time), and every task that ends is replaced by a new long one, so the account holds
 * `tasks` in flight for the whole measured window of `measureS`. Then the run stops; the tasks still
 * running are left (nothing more is learnt from waiting for all of them).
 *
 * Why ends are paced and not all at once: the batch list carries no video URL, so every ended task costs
 * one detail query; at 20 queries/s no design notices more than ~20 ends a second, and 10,000 ends cost
 * at least 500 s of the budget whatever the design. 10 ends a second leaves room for the list sweeps.
 *
 * Reports the busiest second of queries + list calls the fake saw on the account (the limit is 20), the
 * 429s it answered, and for every task that ended in the window (but the last 10 s) the delay from the
 * upstream's end_time to the first query that showed the end (noticed: the poller's part) and to the
 * engine returning `done` (the MP4 downloaded and probed: the worker's part too); one not noticed or not
 * done at the close counts with its delay so far.
 *
 * Run alone: npm run bench upstream (or npx tsx bench/upstream-poll.ts). Knobs, from the environment:
 * BENCH_POLL_TASKS (10000), BENCH_POLL_END_RATE (10 a second), BENCH_POLL_MEASURE_S (150).
 */
import { type ChildProcess, execFile, fork } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { createDashscopeEngine } from '../src/adapters/engines/dashscope/dashscope-engine.js';
import { ffmpegPath } from '../src/adapters/media/ffmpeg-paths.js';
import { createFfprobeProber } from '../src/adapters/media/probe.js';
import { createSafeFetcher } from '../src/adapters/media/safe-fetch.js';
import type { EngineContext, EngineJob, EngineStep } from '../src/domain/ports.js';
import type { GenerationRequest } from '../src/domain/request.js';
import type { FakeDashscope } from '../src/dev/fake-dashscope/fake-dashscope.js';
import type { FakeUpstreamPlan } from './fake-upstream-process.js';

const run = promisify(execFile);
const knob = (name: string, dflt: number) => (process.env[name] ? Number(process.env[name]) : dflt);
const tasks = knob('BENCH_POLL_TASKS', 10_000);
const endRate = knob('BENCH_POLL_END_RATE', 10);
const measureS = knob('BENCH_POLL_MEASURE_S', 150);
// 100 creates a second: each is a real HTTP create, and the machine running the bench is often shared.
const rampS = Math.max(10, tasks / 100);
/** From the end of the ramp to the first end: every task has been seen running by then. */
const leadS = 15;
const jitterS = 15;
const pendingMs = 2000;
const workerPollIntervalMs = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

type FakeReport = { stats: ReturnType<FakeDashscope['stats']>; tasks: ReturnType<FakeDashscope['tasks']> };

/** The fake DashScope in its own process (fake-upstream-process.ts). */
async function startFakeProcess(plan: FakeUpstreamPlan): Promise<{ url: string; report(): Promise<FakeReport>; close(): Promise<void> }> {
  const child: ChildProcess = fork(new URL('./fake-upstream-process.ts', import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_FAKE: JSON.stringify(plan) },
  });
  const next = <T>() => new Promise<T>((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', () => reject(new Error('the fake DashScope process exited')));
  });
  const { url } = await next<{ url: string }>();
  return {
    url,
    report() {
      const answer = next<FakeReport>();
      child.send('report');
      return answer;
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.send('close');
      await exited;
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

export async function benchUpstreamPoll(): Promise<Record<string, number>> {
  const wallStartMs = Date.now();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-bench-poll-'));
  const tiny = path.join(dir, 'tiny.mp4');
  await run(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=navy:s=320x180:r=30:d=1', '-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=mono', '-t', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', tiny]);
  const t0 = Date.now();
  const measureFromMs = t0 + (rampS + leadS) * 1000;
  const measureToMs = measureFromMs + measureS * 1000;
  const plan: FakeUpstreamPlan = { tiny, pendingMs, firstEndMs: measureFromMs, endRate, jitterS };
  const fake = await startFakeProcess(plan);
  const engine = createDashscopeEngine({
    channels: [{ id: 'bench', baseUrl: fake.url, apiKey: 'sk-bench', maxConcurrent: tasks * 2, priority: 0, weight: 1 }],
    queryBudgetPerSecond: 20,
    fetcher: createSafeFetcher({ allowLoopback: true, timeoutMs: 30_000, maxRedirects: 2 }),
    prober: createFfprobeProber(),
  });
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const doneAtMs = new Map<string, number>();
  let inFlight = 0;
  let minInFlight = Infinity;
  let refills = 0;
  let retried = 0;
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  const runs: Promise<void>[] = [];

  // Calls cut short by the stop (a create, a download) fail; only those.
  const ignoreAborted = (err: unknown) => {
    if (!stop.signal.aborted) throw err;
  };
  const drive = async (prompt: string, seed: number): Promise<void> => {
    const request: GenerationRequest = { model: 'wan2.7', mode: 't2v', prompt, resolution: '720P', durationSeconds: 2, size: '16:9', sizeIgnored: false, promptExtend: false, watermark: false, seed };
    const job: EngineJob = { taskId: `bench_${seed}`, request, inputs: {}, mediaUrls: {}, outputPath: path.join(dir, `bench_${seed}.mp4`) };
    let state: string | null = null;
    // Each task its own signal, as in the worker (10,000 listeners on one signal cost the bench dearly).
    const own = new AbortController();
    stop.signal.addEventListener('abort', () => own.abort(), { once: true });
    const ctx: EngineContext = {
      signal: own.signal,
      onProgress: () => undefined,
      saveState: async (s) => {
        state = s;
      },
      acquireChannel: async (c) => c[0]?.id ?? null,
    };
    inFlight++;
    let step: EngineStep = await engine.start(job, ctx);
    while (!stop.signal.aborted) {
      const startedMs = Date.now();
      if (step.kind === 'running') {
        state = step.state;
        step = await engine.poll(job, state, ctx);
        if (step.kind === 'running') await sleep(workerPollIntervalMs - (Date.now() - startedMs));
      } else if (step.kind === 'wait') {
        await sleep(step.retryAfterMs);
        step = await engine.start(job, ctx);
      } else if (step.kind === 'failed' && step.retryable) {
        // As the worker does: the task goes back to the queue with its saved state and runs on from it.
        retried++;
        await sleep(workerPollIntervalMs);
        step = state !== null ? await engine.poll(job, state, ctx) : await engine.start(job, ctx);
      } else break;
    }
    inFlight--;
    if (stop.signal.aborted && step.kind !== 'done') return;
    if (step.kind !== 'done') throw new Error(`bench task ${prompt} ended ${JSON.stringify(step)}`);
    doneAtMs.set(prompt, Date.now());
    await rm(job.outputPath, { force: true });
    // A new long task takes its place, so the account keeps `tasks` in flight.
    if (Date.now() < measureToMs) runs.push(drive(`bench refill ${refills}`, tasks + refills++).catch(ignoreAborted));
  };

  try {
    for (let i = 0; i < tasks; i++) {
      const prompt = `bench task ${i}`;
      const aheadMs = t0 + (i * rampS * 1000) / tasks - Date.now();
      if (aheadMs > 0) await sleep(aheadMs);
      runs.push(drive(prompt, i).catch(ignoreAborted));
    }
    const rampTookS = (Date.now() - t0) / 1000;
    while (Date.now() < measureToMs) {
      await sleep(1000);
      if (Date.now() >= measureFromMs) minInFlight = Math.min(minInFlight, inFlight);
    }
    stop.abort();
    const stoppedMs = Date.now();
    await Promise.all(runs);

    const { stats, tasks: upstreamTasks } = await fake.report();
    const noticed: number[] = [];
    const done: number[] = [];
    let unseen = 0;
    let undone = 0;
    for (const t of upstreamTasks) {
      // Ends in the last 10 s are left out: their delays are cut short by the close.
      if (t.endedAtMs === null || t.endedAtMs < measureFromMs || t.endedAtMs > stoppedMs - 10_000) continue;
      if (t.endSeenAtMs === null) unseen++;
      noticed.push(((t.endSeenAtMs ?? stoppedMs) - t.endedAtMs) / 1000);
      const at = doneAtMs.get(t.prompt ?? '');
      if (at === undefined) undone++;
      done.push(((at ?? stoppedMs) - t.endedAtMs) / 1000);
    }
    noticed.sort((a, b) => a - b);
    done.sort((a, b) => a - b);
    const seconds = (sorted: number[], p: number) => Number(percentile(sorted, p).toFixed(2));
    return {
      tasks_in_flight_min: minInFlight,
      ramp_seconds_planned: rampS,
      ramp_seconds_taken: Number(rampTookS.toFixed(1)),
      ended_in_window: noticed.length,
      upstream_queries_per_second_max: stats.maxQueriesInOneSecond.bench ?? 0,
      upstream_throttled: stats.throttled,
      // Noticed: the first detail query that showed the end (the poller's part).
      noticed_delay_p50_seconds: seconds(noticed, 0.5),
      noticed_delay_p95_seconds: seconds(noticed, 0.95),
      noticed_delay_max_seconds: seconds(noticed, 1),
      ended_unnoticed_at_close: unseen,
      // Done: the engine returned the MP4 downloaded and probed (the worker's part too).
      done_delay_p50_seconds: seconds(done, 0.5),
      done_delay_p95_seconds: seconds(done, 0.95),
      ended_not_done_at_close: undone,
      upstream_detail_queries: stats.queries,
      upstream_list_calls: stats.listCalls,
      upstream_creates: stats.createCalls,
      retried_after_failed_step: retried,
      event_loop_delay_p99_ms: Math.round(loopDelay.percentile(99) / 1e6),
      wall_seconds: Math.round((Date.now() - wallStartMs) / 1000),
      load_average_1m: Number(os.loadavg()[0]!.toFixed(2)),
    };
  } finally {
    loopDelay.disable();
    stop.abort();
    engine.close();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const isEntry = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isEntry) console.log(JSON.stringify(await benchUpstreamPoll(), null, 2));
