import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createKey, startTestServer, waitForTask, type TestServer } from '../helpers/start-test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.cleanup();
  server = undefined;
});

const t2v = (prompt: string, extra: object = {}) => ({ model: 'wan2.7', prompt, resolution: '720P', duration: 2, ...extra });

const newKey = createKey;

describe('per-key limits', () => {
  it('answers 429 with Retry-After once a key spends its requests per minute', async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '0' });
    const { key } = await newKey(server, { name: 'limited', limits: { requests_per_minute: 5 } });
    for (let i = 0; i < 5; i++) expect((await server.api('GET', '/v1/usage', undefined, key)).status).toBe(200);
    const over = await server.api('GET', '/v1/usage', undefined, key);
    expect(over.status).toBe(429);
    expect(over.json.error).toMatchObject({ type: 'rate_limit_error', reason: 'rate_limit_exceeded' });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another key is not affected.
    expect((await server.api('GET', '/v1/usage')).status).toBe(200);
  });

  it('refuses a task beyond the key\'s queue with 429 queue_full', async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '0' });
    const { key } = await newKey(server, { name: 'small queue', limits: { max_queued: 2 } });
    for (let i = 0; i < 2; i++) expect((await server.api('POST', '/v1/videos/generations', t2v(`q${i}`), key)).status).toBe(200);
    const full = await server.api('POST', '/v1/videos/generations', t2v('q3'), key);
    expect(full.status).toBe(429);
    expect(full.json.error).toMatchObject({ reason: 'queue_full' });
    expect(full.headers.get('retry-after')).not.toBeNull();
  });

  it('answers 402 before anything runs when the hold exceeds the balance', async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '0' });
    const { id, key } = await newKey(server, { name: 'poor', balance: 0.5 });
    // 1080P x 5 s = 0.75 USD > 0.50.
    const refused = await server.api('POST', '/v1/videos/generations', { model: 'wan2.7', prompt: 'too expensive' }, key);
    expect(refused.status).toBe(402);
    expect(refused.json.error).toMatchObject({ type: 'payment_required', reason: 'insufficient_balance' });
    expect((await server.api('GET', `/admin/keys/${id}`)).json.data.balance).toBe(0.5);
    const listed = await server.api('GET', '/v1/usage', undefined, key);
    expect(listed.json.data.totals).toMatchObject({ held: 0, tasks: 0 });
    // 720P x 5 s = 0.50 fits exactly, and the balance is held.
    expect((await server.api('POST', '/v1/videos/generations', { model: 'wan2.7', prompt: 'fits', resolution: '720P' }, key)).status).toBe(200);
    expect((await server.api('GET', `/admin/keys/${id}`)).json.data.balance).toBe(0);
  });

  it('bills a completed task its price and shows the cost on the task and in usage', async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '1' });
    const { id, key } = await newKey(server, { name: 'payer', balance: 1 });
    const created = await server.api('POST', '/v1/videos/generations', t2v('billed'), key);
    const task = await waitForTask(server, created.json.data[0].task_id, key);
    expect(task).toMatchObject({ status: 'completed', cost: 0.2, currency: 'USD' });
    expect((await server.api('GET', `/admin/keys/${id}`)).json.data.balance).toBe(0.8);
    const usage = await server.api('GET', '/v1/usage', undefined, key);
    expect(usage.json.data.totals).toMatchObject({ credited: 1, held: 0.2, captured: 0.2, released: 0, outstanding: 0, tasks: 1 });
    const all = await server.api('GET', `/admin/usage?key_id=${id}`);
    expect(all.json.data.entries.map((e: any) => e.kind).sort()).toEqual(['capture', 'credit', 'hold', 'release']);
  });

  it('rejects unknown admin fields and amounts finer than a minor unit, naming the field', async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '0' });
    const { id } = await newKey(server, { name: 'x', balance: 1 });
    const fine = await server.api('POST', `/admin/keys/${id}/credit`, { amount: 0.00001 });
    expect(fine.status).toBe(400);
    expect(fine.json.error).toMatchObject({ param: 'amount', reason: 'too_precise' });
    const negative = await server.api('POST', `/admin/keys/${id}/credit`, { amount: -2 });
    expect(negative.json.error).toMatchObject({ param: 'amount', reason: 'negative_balance' });
    const typo = await server.api('PATCH', `/admin/keys/${id}`, { nmae: 'typo' });
    expect(typo.json.error).toMatchObject({ param: 'nmae', reason: 'unknown_field' });
  });
});

describe('fair scheduling', () => {
  it('one key with many queued tasks holds back another key\'s single task by at most one task slot', async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '1' });
    const busy = await newKey(server, { name: 'busy' });
    const quiet = await newKey(server, { name: 'quiet' });
    const busyIds: string[] = [];
    for (let i = 0; i < 12; i++) busyIds.push((await server.api('POST', '/v1/videos/generations', t2v(`busy ${i}`), busy.key)).json.data[0].task_id);
    const lone = (await server.api('POST', '/v1/videos/generations', t2v('quiet one'), quiet.key)).json.data[0].task_id;
    const queuedAhead = (await server.api('GET', `/v1/tasks/${lone}`, undefined, quiet.key)).json.data.queue_position;
    expect(queuedAhead).toBeLessThanOrEqual(1);
    await waitForTask(server, lone, quiet.key);
    for (const id of busyIds) await waitForTask(server, id, busy.key);

    // Claim order from the store: the lone task started before every busy task that was still
    // pending when it arrived, except at most one (the slot that was already being filled).
    const db = new Database(path.join(server.dataDir, 'wangate.db'), { readonly: true });
    const rows = db.prepare('SELECT id, key_id, created_at_ms, started_at_ms FROM tasks ORDER BY started_at_ms, id').all() as {
      id: string;
      started_at_ms: number;
      created_at_ms: number;
    }[];
    db.close();
    const loneRow = rows.find((r) => r.id === lone)!;
    const pendingAtArrival = rows.filter((r) => r.id !== lone && busyIds.includes(r.id) && r.started_at_ms >= loneRow.created_at_ms);
    const startedBeforeLone = pendingAtArrival.filter((r) => r.started_at_ms < loneRow.started_at_ms || (r.started_at_ms === loneRow.started_at_ms && r.id < lone));
    expect(startedBeforeLone.length).toBeLessThanOrEqual(1);
  });
});
