/**
 * The log lines of the real entry point: JSON when stdout is not a terminal, the request id on a
 * request's lines and the task id on a task's lines; human-readable with LOG_FORMAT=pretty.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killHard, spawnServer, type ServerProcess } from '../helpers/spawn-server.js';
import { testAdminKey } from '../helpers/start-test-server.js';
import { until } from '../helpers/until.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function start(env: Record<string, string>): Promise<ServerProcess> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-logs-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const p = await spawnServer({ DATA_DIR: dir, WANGATE_ADMIN_KEY: testAdminKey, WORKER_CONCURRENCY: '1', WORKER_IDLE_POLL_MS: '100', ...env });
  cleanups.push(() => killHard(p));
  return p;
}

async function runTask(p: ServerProcess): Promise<{ taskId: string; requestId: string }> {
  const res = await fetch(`${p.url}/v1/videos/generations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${testAdminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'wan2.7', prompt: 'logged', resolution: '720P', duration: 2 }),
  });
  const taskId = ((await res.json()) as any).data[0].task_id as string;
  await until(() => p.output().includes('task completed'), 30_000);
  return { taskId, requestId: res.headers.get('x-request-id')! };
}

describe('logs', () => {
  it('are JSON lines; each line of a request carries its id, each line of a task carries the task id', async () => {
    const p = await start({ LOG_LEVEL: 'debug' });
    const { taskId, requestId } = await runTask(p);
    const lines = p
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    const ofRequest = lines.filter((l) => l.requestId === requestId);
    expect(ofRequest.map((l) => l.msg)).toEqual(expect.arrayContaining(['incoming request', 'request completed']));
    // Fastify's per-request lines (they carry req or res) all name their request.
    for (const l of lines.filter((x) => x.req || x.res)) expect(l.requestId).toMatch(/^req_/);
    const ofTask = lines.filter((l) => l.taskId === taskId);
    expect(ofTask.map((l) => l.msg)).toContain('task completed');
    expect(ofTask.every((l) => typeof l.workerId === 'string')).toBe(true);
  });

  it('LOG_FORMAT=pretty writes human-readable lines instead', async () => {
    const p = await start({ LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' });
    const { taskId } = await runTask(p);
    const line = p
      .output()
      .split('\n')
      .find((l) => l.includes('task completed'))!;
    expect(line.startsWith('{')).toBe(false);
    expect(line).toMatch(/INFO/);
    expect(p.output()).toContain(taskId);
  });
});
