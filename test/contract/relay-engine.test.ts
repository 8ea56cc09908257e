/**
 * The shared engine contract, run against the relay engine with a second wangate (local engine, its own
 * workers) as the upstream. The relay engine runs on the stepped clock; the upstream renders in real
 * time, so before stepped time moves on the harness waits (Prefer: wait) for the upstream's open tasks
 * to end: it waits for states, never for time.
 */
import { createRelayEngine } from '../../src/adapters/engines/relay/relay-engine.js';
import { startTestServer, testAdminKey, type TestServer } from '../helpers/start-test-server.js';
import { runEngineContract } from './engine-contract.js';
import { steppedClock, steppedUpstreamOptions, upstreamHarness, type UpstreamTaskStatus } from './engine-driver.js';

const asContract: Record<string, UpstreamTaskStatus> = { pending: 'open', processing: 'open', completed: 'succeeded', failed: 'failed', cancelled: 'cancelled' };

/** The upstream's tasks, oldest first (task ids are monotonic ULIDs). */
async function upstreamTasks(upstream: TestServer): Promise<{ id: string; status: string }[]> {
  const { status, json } = await upstream.api('GET', '/v1/tasks?limit=100');
  if (status !== 200) throw new Error(`the upstream task list answered ${status}`);
  return (json.data as { id: string; status: string }[]).map((t) => ({ id: t.id, status: t.status })).sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Holds until the upstream task ends (or the longest wait the API allows passes). */
async function waitUntilEnded(upstream: TestServer, taskId: string): Promise<void> {
  const res = await fetch(`${upstream.url}/v1/tasks/${taskId}`, { headers: { authorization: `Bearer ${testAdminKey}`, prefer: 'wait=60' } });
  await res.arrayBuffer();
}

runEngineContract(
  'relay engine (to a second wangate)',
  async () => {
    const upstream = await startTestServer({ WORKER_CONCURRENCY: '2', LOG_LEVEL: 'silent' });
    const clock = steppedClock();
    return upstreamHarness({
      clock,
      make: () =>
        createRelayEngine({ ...steppedUpstreamOptions(clock), baseUrl: upstream.url, apiKey: testAdminKey, maxConcurrent: 2 }),
      upstreamTasks: async () => (await upstreamTasks(upstream)).map((t) => asContract[t.status] ?? 'open'),
      async beforeTimePasses() {
        const open = (await upstreamTasks(upstream)).filter((t) => asContract[t.status] === 'open');
        await Promise.all(open.map((t) => waitUntilEnded(upstream, t.id)));
      },
      close: () => upstream.cleanup(),
    });
  },
  { timeoutMs: 60_000 },
);
