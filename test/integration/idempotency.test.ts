/** Idempotency-Key on create: a retried request gets the same task, never a second one or a second hold. */
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, startTestServer, type TestServer } from '../helpers/start-test-server.js';

let server: TestServer;
beforeAll(async () => {
  // No workers: tasks stay pending, so only the create path is under test.
  server = await startTestServer({ WORKER_CONCURRENCY: '0' });
});
afterAll(async () => {
  await server?.cleanup();
});

const body = (prompt: string) => ({ model: 'wan2.7', prompt, resolution: '720P', duration: 2, seed: 7 });

const newKey = () => createKey(server, { name: 'idem', balance: 10 });

async function create(key: string, idempotencyKey: string | undefined, payload: unknown) {
  const res = await fetch(`${server.url}/v1/videos/generations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(idempotencyKey !== undefined && { 'idempotency-key': idempotencyKey }) },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  return { status: res.status, json: (await res.json()) as any, replayed: res.headers.get('idempotency-replayed') };
}

/** Straight from the store: what the API says must match what was written. */
function stored(keyId: string): { tasks: number; holds: number } {
  const db = new Database(path.join(server.dataDir, 'wangate.db'), { readonly: true, fileMustExist: true });
  try {
    const tasks = (db.prepare('SELECT COUNT(*) AS n FROM tasks WHERE key_id = ?').get(keyId) as { n: number }).n;
    const holds = (db.prepare("SELECT COUNT(*) AS n FROM ledger WHERE key_id = ? AND kind = 'hold'").get(keyId) as { n: number }).n;
    return { tasks, holds };
  } finally {
    db.close();
  }
}

describe('Idempotency-Key', () => {
  it('the same key and body return the same task (field order does not matter), with one task and one hold', async () => {
    const { id, key } = await newKey();
    const first = await create(key, 'order-1', body('same request'));
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ code: 200, data: [{ status: 'submitted', task_id: expect.stringMatching(/^task_/) }] });
    const reordered = JSON.stringify({ seed: 7, duration: 2, resolution: '720P', prompt: 'same request', model: 'wan2.7' });
    const second = await create(key, 'order-1', reordered);
    expect(second.status).toBe(200);
    expect(second.json.data[0].task_id).toBe(first.json.data[0].task_id);
    // Only the replay says it is one.
    expect(first.replayed).toBeNull();
    expect(second.replayed).toBe('true');
    expect(stored(id)).toEqual({ tasks: 1, holds: 1 });
  });

  it('a different body with a used key answers 409 idempotency_key_reused and creates nothing', async () => {
    const { id, key } = await newKey();
    expect((await create(key, 'order-2', body('original'))).status).toBe(200);
    const reused = await create(key, 'order-2', body('something else'));
    expect(reused.status).toBe(409);
    expect(reused.json.error).toMatchObject({ type: 'conflict_error', reason: 'idempotency_key_reused', param: 'Idempotency-Key' });
    expect(stored(id)).toEqual({ tasks: 1, holds: 1 });
  });

  it('concurrent requests with one key create exactly one task and one hold', async () => {
    const { id, key } = await newKey();
    const results = await Promise.all(Array.from({ length: 12 }, () => create(key, 'burst-1', body('concurrent'))));
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    expect(new Set(results.map((r) => r.json.data[0].task_id)).size).toBe(1);
    expect(stored(id)).toEqual({ tasks: 1, holds: 1 });
    const usage = await server.api('GET', '/v1/usage', undefined, key);
    expect(usage.json.data.totals).toMatchObject({ tasks: 1, held: 0.2 });
  });

  it('another API key may use the same Idempotency-Key independently', async () => {
    const a = await newKey();
    const b = await newKey();
    const fromA = await create(a.key, 'shared-name', body('same body'));
    const fromB = await create(b.key, 'shared-name', body('same body'));
    expect(fromA.status).toBe(200);
    expect(fromB.status).toBe(200);
    expect(fromB.json.data[0].task_id).not.toBe(fromA.json.data[0].task_id);
    // B cannot see A's task through the shared name either.
    expect((await server.api('GET', `/v1/tasks/${fromA.json.data[0].task_id}`, undefined, b.key)).status).toBe(404);
    // And a different body under B's use of the name conflicts only with B's own request.
    expect((await create(b.key, 'shared-name', body('other body'))).status).toBe(409);
    expect(stored(a.id)).toEqual({ tasks: 1, holds: 1 });
    expect(stored(b.id)).toEqual({ tasks: 1, holds: 1 });
  });

  it('keys are 1..191 visible ASCII characters without spaces; anything else is a 400 naming Idempotency-Key', async () => {
    const { id, key } = await newKey();
    const longest = '~'.repeat(191);
    expect((await create(key, longest, body('longest key'))).status).toBe(200);
    expect((await create(key, longest, body('longest key'))).replayed).toBe('true');
    for (const [bad, reason] of [
      ['x'.repeat(192), 'too_long'],
      ['two words', 'invalid_value'],
      ['tab\there', 'invalid_value'],
      ['caf\u00e9', 'invalid_value'],
      ['', 'too_short'],
    ] as const) {
      const res = await create(key, bad, body('bad key'));
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.json.error, JSON.stringify(bad)).toMatchObject({ type: 'invalid_request_error', param: 'Idempotency-Key', reason });
    }
    expect(stored(id).tasks).toBe(1);
  });

  it('without the header every request is a new task; an over-long key is refused with 400', async () => {
    const { id, key } = await newKey();
    const one = await create(key, undefined, body('no key'));
    const two = await create(key, undefined, body('no key'));
    expect(two.json.data[0].task_id).not.toBe(one.json.data[0].task_id);
    expect(stored(id).tasks).toBe(2);
    const long = await create(key, 'x'.repeat(256), body('long key'));
    expect(long.status).toBe(400);
    expect(long.json.error.param).toBe('Idempotency-Key');
  });

  it('a request refused for validation does not use up the key', async () => {
    const { key } = await newKey();
    expect((await create(key, 'fix-and-retry', { model: 'wan2.7', prompt: 'x', duration: 99 })).status).toBe(400);
    expect((await create(key, 'fix-and-retry', body('fixed'))).status).toBe(200);
  });
});
