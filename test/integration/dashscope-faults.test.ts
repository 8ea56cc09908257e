/**
 * 200 tasks through the real server and the fake DashScope with about 30 % of upstream calls failing
 * (5xx, connections cut before and after the create was accepted, creates that never answer, failed
 * renders, failed and cut queries), over three channels on two cloud accounts. Stub-free.
 */
import { afterAll, expect, it } from 'vitest';
import { startFakeDashscope, type FakeDashscope } from '../../src/dev/fake-dashscope/fake-dashscope.js';
import { startTestServer, waitForTask, type TestServer } from '../helpers/start-test-server.js';

let fake: FakeDashscope | undefined;
let server: TestServer | undefined;
afterAll(async () => {
  await server?.cleanup();
  await fake?.close();
});

it('under 30 % upstream faults every task completes or fails with its hold released, with no duplicate create and no throttling', async () => {
  fake = await startFakeDashscope({
    keys: [
      { key: 'sk-a1', account: 'acct-A' },
      { key: 'sk-a2', account: 'acct-A' },
      { key: 'sk-b1', account: 'acct-B' },
    ],
    pendingMs: 200,
    runningMs: 500,
    faults: {
      createError500: 0.06,
      createCutBeforeAccept: 0.06,
      createCutAfterAccept: 0.06,
      createHangAfterAccept: 0.04,
      taskFailure: 0.08,
      queryError500: 0.15,
      queryCut: 0.15,
      seed: 20240611,
    },
  });
  const channels = [
    { id: 'a1', baseUrl: fake.url, apiKey: 'sk-a1', account: 'acct-A', maxConcurrent: 12, priority: 0, weight: 2 },
    { id: 'a2', baseUrl: fake.url, apiKey: 'sk-a2', account: 'acct-A', maxConcurrent: 12, priority: 0, weight: 1 },
    { id: 'b1', baseUrl: fake.url, apiKey: 'sk-b1', account: 'acct-B', maxConcurrent: 12, priority: 0, weight: 1 },
  ];
  server = await startTestServer({
    WANGATE_ENGINE: 'dashscope',
    DASHSCOPE_CHANNELS: JSON.stringify(channels),
    // Short enough that creates that never answer cost little, long enough that a create the fake (sharing
    // this process and a loaded CPU) answers late is not a spurious timeout, each one a reconciliation.
    DASHSCOPE_CREATE_TIMEOUT_MS: '5000',
    WORKER_POLL_INTERVAL_MS: '100',
    LOG_LEVEL: process.env.FAULT_LOG ?? 'silent',
  });
  const s = server;
  const { json: created } = await s.api('POST', '/admin/keys', { name: 'load', balance: 100_000, limits: { requests_per_minute: 1_000_000 } });
  const key: string = created.data.key;

  const ids: string[] = [];
  for (let i = 0; i < 200; i++) {
    const { status, json } = await s.api('POST', '/v1/videos/generations', { model: 'wan2.7', prompt: `fault run ${i}`, resolution: '720P', duration: 2 }, key);
    expect(status, JSON.stringify(json)).toBe(200);
    ids.push(json.data[0].task_id);
  }
  const t0 = Date.now();
  // 200 polls every 100 ms would be 2,000 requests a second to the server under test.
  const final = await Promise.all(ids.map((id) => waitForTask(s, id, key, 500)));
  if (process.env.FAULT_LOG) {
    const d = final.map((t) => t.completed - t.created).sort((a, b) => a - b);
    console.log('wall', Date.now() - t0, 'durations p50/p90/max', d[100], d[180], d[199], final.filter((t) => t.completed - t.created > 30).map((t) => t.id));
  }

  const byStatus = final.reduce<Record<string, number>>((m, t) => ((m[t.status] = (m[t.status] ?? 0) + 1), m), {});
  const reasons = final.filter((t) => t.status === 'failed').map((t) => t.error.reason);
  console.log('fault run:', byStatus, 'failure reasons:', reasons, 'upstream:', fake.stats());
  expect(final.every((t) => t.status === 'completed' || t.status === 'failed')).toBe(true);
  expect(byStatus.completed ?? 0).toBeGreaterThan(150);

  // Every hold is settled: captured for completed tasks, released for failed ones.
  const { json: usage } = await s.api('GET', '/v1/usage', undefined, key);
  expect(usage.data.totals.outstanding).toBe(0);

  // No duplicate creates: per task (its prompt), every upstream task but the last ended FAILED before
  // the next was created (a retry after a failed render is a new create, allowed because the first ended),
  // and a completed task has exactly one SUCCEEDED upstream task.
  const upstream = fake.tasks();
  for (const [i, t] of final.entries()) {
    const mine = upstream.filter((u) => u.prompt === `fault run ${i}`).sort((a, b) => a.createdAtMs - b.createdAtMs);
    for (let k = 0; k + 1 < mine.length; k++) {
      expect(mine[k]!.status, `task ${i}: upstream ${JSON.stringify(mine)}`).toBe('FAILED');
      expect(mine[k + 1]!.createdAtMs).toBeGreaterThanOrEqual(mine[k]!.endedAtMs!);
    }
    if (t.status === 'completed') expect(mine.filter((u) => u.status === 'SUCCEEDED')).toHaveLength(1);
  }

  // The budget kept every account under its query limit.
  const stats = fake.stats();
  expect(stats.throttled).toBe(0);
  for (const n of Object.values(stats.maxQueriesInOneSecond)) expect(n).toBeLessThanOrEqual(20);
}, 240_000);
