import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLocalEngine } from '../src/adapters/engines/local/local-engine.js';
import type { EngineContext, EngineJob } from '../src/domain/ports.js';
import type { GenerationRequest } from '../src/domain/request.js';
import type { Resolution } from '../src/domain/output-size.js';

const durationSeconds = 5;

/** Wall-clock seconds of one 5 s text-to-video render with the real local engine. */
async function renderSeconds(dir: string, resolution: Resolution): Promise<number> {
  const engine = createLocalEngine({ capacity: 1, threads: 2 });
  const request: GenerationRequest = {
    model: 'wan2.7',
    mode: 't2v',
    prompt: 'A lighthouse on a cliff at dusk, waves crashing below, slow aerial orbit, cinematic',
    resolution,
    durationSeconds,
    size: '16:9',
    sizeIgnored: false,
    promptExtend: false,
    watermark: true,
    seed: 1234,
  };
  const job: EngineJob = { taskId: `bench_${resolution}`, request, inputs: {}, mediaUrls: {}, outputPath: path.join(dir, `${resolution}.mp4`) };
  const ctx: EngineContext = {
    signal: new AbortController().signal,
    onProgress: () => {},
    saveState: async () => {},
    acquireChannel: async () => null,
  };
  const startedMs = performance.now();
  const step = await engine.start(job, ctx);
  const seconds = (performance.now() - startedMs) / 1000;
  if (step.kind !== 'done') throw new Error(`bench render failed: ${JSON.stringify(step)}`);
  return seconds;
}

/** Local engine render speed: 5 s text-to-video at 720P and 1080P (2 threads, as the speed target says). */
export async function benchRender(): Promise<Record<string, number>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-bench-render-'));
  try {
    const render720pSeconds = await renderSeconds(dir, '720P');
    const render1080pSeconds = await renderSeconds(dir, '1080P');
    const round = (n: number) => Math.round(n * 1000) / 1000;
    return {
      render_720p_5s_seconds: round(render720pSeconds),
      render_1080p_5s_seconds: round(render1080pSeconds),
      realtime_factor_1080p: round(durationSeconds / render1080pSeconds),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
