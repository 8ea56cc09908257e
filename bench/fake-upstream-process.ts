/**
 * The fake DashScope of the upstream-poll bench, in a process of its own (as the real upstream is): its
 * clock and its rate count are not held up by the busy bench process, so a request is counted when it
 * truly arrives. Started by upstream-poll.ts with its plan in BENCH_FAKE; answers 'report' and 'close'
 * over the IPC channel.
 */
import { copyFile } from 'node:fs/promises';
import { seededRandom } from '../src/domain/seeded-random.js';
import { startFakeDashscope } from '../src/dev/fake-dashscope/fake-dashscope.js';

export interface FakeUpstreamPlan {
  tiny: string;
  pendingMs: number;
  /** Task i (prompt "bench task i") ends at firstEndMs + i / endRate s, ± jitterS; any other runs an hour. */
  firstEndMs: number;
  endRate: number;
  jitterS: number;
}

/** The planned end of the task with this prompt (the same in both processes). */
export function plannedEndMs(plan: FakeUpstreamPlan, prompt: string | undefined, createdAtMs: number): number {
  const m = /^bench task (\d+)$/.exec(prompt ?? '');
  if (!m) return createdAtMs + 3_600_000;
  const i = Number(m[1]);
  return plan.firstEndMs + (i / plan.endRate) * 1000 + (seededRandom(i + 1)() * 2 - 1) * plan.jitterS * 1000;
}

const isEntry = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isEntry && process.send) {
  const plan = JSON.parse(process.env.BENCH_FAKE ?? '{}') as FakeUpstreamPlan;
  const fake = await startFakeDashscope({
    keys: [{ key: 'sk-bench', account: 'bench' }],
    pendingMs: plan.pendingMs,
    runningMsFor: (t) => plannedEndMs(plan, t.prompt, t.createdAtMs) - t.createdAtMs - plan.pendingMs,
    render: (_task, out) => copyFile(plan.tiny, out),
  });
  process.send({ url: fake.url });
  process.on('message', (msg) => {
    if (msg === 'report') process.send!({ stats: fake.stats(), tasks: fake.tasks() });
    if (msg === 'close') void fake.close().then(() => process.exit(0));
  });
}
