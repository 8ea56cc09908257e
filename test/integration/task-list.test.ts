/**
 * GET /v1/tasks: the caller's own tasks, newest first, filtered by status and created time, paged by
 * cursor. Tasks are created at known (fake-clock) times; no worker runs, so statuses stay put.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock, startClockedServer, type ClockedServer } from '../helpers/start-clocked-server.js';
import { testAdminKey } from '../helpers/start-test-server.js';

const t0Ms = 1_800_000_000_000;
let server: ClockedServer;
let alice = '';
let bob = '';
/** Alice's tasks in creation order: created at t0 + 10 s * i; 1 and 3 cancelled. */
const aliceTasks: string[] = [];
const bobTasks: string[] = [];

const list = async (query: string, key = alice) => server.api('GET', `/v1/tasks${query}`, undefined, key);
const ids = (res: { json: any }) => res.json.data.map((t: any) => t.id);

beforeAll(async () => {
  server = await startClockedServer({ WORKER_CONCURRENCY: '0' }, fakeClock(t0Ms));
  alice = (await server.api('POST', '/admin/keys', { name: 'alice' })).json.data.key;
  bob = (await server.api('POST', '/admin/keys', { name: 'bob' })).json.data.key;
  for (let i = 0; i < 5; i++) {
    server.clock.advance(t0Ms + i * 10_000 - server.clock.nowMs());
    const created = await server.api('POST', '/v1/videos/generations', { model: 'wan2.7', prompt: `alice ${i}`, resolution: '720P', duration: 2 }, alice);
    aliceTasks.push(created.json.data[0].task_id);
    const other = await server.api('POST', '/v1/videos/generations', { model: 'wan2.7', prompt: `bob ${i}`, resolution: '720P', duration: 2 }, bob);
    bobTasks.push(other.json.data[0].task_id);
  }
  for (const i of [1, 3]) expect((await server.api('POST', `/v1/tasks/${aliceTasks[i]}/cancel`, undefined, alice)).status).toBe(200);
});
afterAll(async () => {
  await server?.cleanup();
});

describe('GET /v1/tasks', () => {
  it("lists only the caller's tasks, newest first, in the task status shape", async () => {
    const res = await list('');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ code: 200, has_more: false, next_cursor: null });
    expect(ids(res)).toEqual([...aliceTasks].reverse());
    const single = await server.api('GET', `/v1/tasks/${aliceTasks[4]}`, undefined, alice);
    expect(res.json.data[0]).toEqual(single.json.data);
    expect(ids(await list('', bob))).toEqual([...bobTasks].reverse());
    // The admin key has no tasks of its own: it sees none of theirs.
    expect(ids(await list('', testAdminKey))).toEqual([]);
  });

  it('filters by one status or a comma list of statuses', async () => {
    expect(ids(await list('?status=cancelled'))).toEqual([aliceTasks[3], aliceTasks[1]]);
    expect(ids(await list('?status=pending'))).toEqual([aliceTasks[4], aliceTasks[2], aliceTasks[0]]);
    expect(ids(await list('?status=pending,cancelled'))).toEqual([...aliceTasks].reverse());
    expect(ids(await list('?status=completed'))).toEqual([]);
    const bad = await list('?status=pending,done');
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ param: 'status', reason: 'invalid_value' });
  });

  it('filters by created time: from (inclusive) to (exclusive), unix seconds', async () => {
    const s = t0Ms / 1000;
    expect(ids(await list(`?from=${s + 10}&to=${s + 30}`))).toEqual([aliceTasks[2], aliceTasks[1]]);
    expect(ids(await list(`?from=${s + 30}`))).toEqual([aliceTasks[4], aliceTasks[3]]);
    expect(ids(await list(`?to=${s + 1}`))).toEqual([aliceTasks[0]]);
    expect(ids(await list(`?from=${s + 10}&to=${s + 40}&status=pending`))).toEqual([aliceTasks[2]]);
    const inverted = await list(`?from=${s + 30}&to=${s + 10}`);
    expect(inverted.status).toBe(400);
    expect(inverted.json.error.param).toBe('to');
  });

  it('pages with limit and the next_cursor until has_more is false', async () => {
    const seen: string[] = [];
    let query = '?limit=2';
    const pages: boolean[] = [];
    for (;;) {
      const res = await list(query);
      expect(res.status).toBe(200);
      seen.push(...ids(res));
      pages.push(res.json.has_more);
      if (!res.json.has_more) {
        expect(res.json.next_cursor).toBeNull();
        break;
      }
      expect(res.json.next_cursor).toBe(ids(res).at(-1));
      query = `?limit=2&after=${res.json.next_cursor}`;
    }
    expect(pages).toEqual([true, true, false]);
    expect(seen).toEqual([...aliceTasks].reverse());
    // A cursor combines with filters.
    const page = await list(`?status=pending&limit=1&after=${aliceTasks[4]}`);
    expect(ids(page)).toEqual([aliceTasks[2]]);
    expect(page.json.has_more).toBe(true);
    // Another key's task id as a cursor reveals nothing of that key.
    expect(ids(await list(`?after=${aliceTasks[2]}`, bob))).toEqual([bobTasks[1], bobTasks[0]]);
  });

  it('refuses unknown query parameters, naming them, and out-of-range limits', async () => {
    const unknown = await list('?stauts=pending&page=2');
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({ param: 'stauts', reason: 'unknown_field' });
    expect(unknown.json.error.message).toContain("'stauts'");
    expect(unknown.json.error.message).toContain("'page'");
    for (const limit of ['0', '101', 'ten']) {
      const res = await list(`?limit=${limit}`);
      expect(res.status, limit).toBe(400);
      expect(res.json.error.param).toBe('limit');
    }
    expect((await list('?limit=100')).status).toBe(200);
    expect((await list('?after=not-a-task')).json.error).toMatchObject({ param: 'after' });
    expect((await list('', null as unknown as string)).status).toBe(401);
  });
});
