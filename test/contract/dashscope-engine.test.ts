/**
 * The shared engine contract, run against the DashScope engine on the fake DashScope. The fake renders
 * what the real model would deliver (the spec's sizes, 30 fps, H.264 + AAC, the requested duration);
 * for image-to-video it reads the first frame's size from the URL, as the model keeps the input aspect.
 * Engine and fake share one stepped clock.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';
import { createDashscopeEngine } from '../../src/adapters/engines/dashscope/dashscope-engine.js';
import { ffmpegPath } from '../../src/adapters/media/ffmpeg-paths.js';
import { createFfprobeProber } from '../../src/adapters/media/probe.js';
import { sizeForInput, sizeForRatio, type AspectRatio, type Resolution } from '../../src/domain/output-size.js';
import { startFakeDashscope } from '../../src/dev/fake-dashscope/fake-dashscope.js';
import { runEngineContract } from './engine-contract.js';
import { steppedClock, steppedUpstreamOptions, upstreamHarness, type UpstreamTaskStatus } from './engine-driver.js';

const run = promisify(execFile);
let scratch: string | undefined;

/** Renders like the model: spec size, 30 fps, H.264 yuv420p + AAC, `duration` seconds. */
async function renderLikeTheModel(task: { model: string; input: unknown; parameters: unknown }, outPath: string): Promise<void> {
  const p = task.parameters as { resolution: Resolution; ratio?: AspectRatio; duration: number };
  const media = (task.input as { media?: { type: string; url: string }[] }).media ?? [];
  let size = sizeForRatio(p.resolution, p.ratio ?? '16:9');
  const first = media.find((m) => m.type === 'first_frame');
  if (first) {
    scratch ??= await mkdtemp(path.join(os.tmpdir(), 'wangate-fake-model-'));
    const image = path.join(scratch, `${path.basename(outPath)}.img`);
    await writeFile(image, Buffer.from(await (await fetch(first.url)).arrayBuffer()));
    const probe = await createFfprobeProber().probe(image);
    size = sizeForInput(p.resolution, { width: probe.width!, height: probe.height! });
  }
  await run(ffmpegPath, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `color=c=teal:s=${size.width}x${size.height}:r=30:d=${p.duration}`,
    '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo',
    '-t', String(p.duration), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-r', '30',
    '-c:a', 'aac', '-shortest', '-movflags', '+faststart', outPath,
  ]);
}

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** The fake's statuses in the contract's words. */
const asContract = (status: string): UpstreamTaskStatus =>
  status === 'SUCCEEDED' ? 'succeeded' : status === 'FAILED' ? 'failed' : status === 'CANCELED' ? 'cancelled' : 'open';

runEngineContract(
  'DashScope engine (on the fake DashScope)',
  async () => {
    // The engine and the fake read one stepped clock: PENDING, RUNNING and SUCCEEDED follow stepped time.
    const clock = steppedClock();
    // The fake counts its query limit on real time, which stepped time outruns; the budget has its own tests.
    const fake = await startFakeDashscope({
      keys: [{ key: 'sk-contract', account: 'acct-contract' }],
      pendingMs: 300,
      runningMs: 1200,
      render: renderLikeTheModel,
      nowMs: clock.nowMs,
      queryLimitPerSecond: 10_000,
    });
    return upstreamHarness({
      clock,
      make: () =>
        createDashscopeEngine({
          ...steppedUpstreamOptions(clock),
          channels: [{ id: 'main', baseUrl: fake.url, apiKey: 'sk-contract', maxConcurrent: 2, priority: 0, weight: 1 }],
        }),
      upstreamTasks: async () => fake.tasks().sort((a, b) => a.createdAtMs - b.createdAtMs).map((t) => asContract(t.status)),
      close: () => fake.close(),
    });
  },
  { timeoutMs: 60_000 },
);
