import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ffprobePath } from '../../src/adapters/media/ffmpeg-paths.js';
import { parseFakeDashscopeArgs, runFakeDashscopeCli } from '../../src/dev/fake-dashscope/fake-dashscope-cli.js';
import { type FakeDashscope, type FakeDashscopeOptions, startFakeDashscope } from '../../src/dev/fake-dashscope/fake-dashscope.js';

const CREATE = '/api/v1/services/aigc/video-generation/video-synthesis';
const KEYS = [
  { key: 'sk-a1', account: 'acct-a' },
  { key: 'sk-a2', account: 'acct-a' },
  { key: 'sk-b', account: 'acct-b' },
  { key: 'sk-broke', account: 'acct-c', arrears: true },
];
/** 2026-01-01 04:00:00.123 UTC = 12:00:00.123 in UTC+8. */
const T0 = Date.UTC(2026, 0, 1, 4, 0, 0, 123);
const T2V = { model: 'wan2.7-t2v', input: { prompt: 'a lighthouse at dusk' }, parameters: { resolution: '720P', ratio: '16:9', duration: 3 } };

type Json = Record<string, any>;
let clock = T0;
const running: FakeDashscope[] = [];
let scratch = '';

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'fake-dashscope-test-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((f) => f.close()));
});

async function start(extra: Partial<FakeDashscopeOptions> = {}): Promise<FakeDashscope> {
  clock = T0;
  const fake = await startFakeDashscope({ keys: KEYS, pendingMs: 1000, runningMs: 3000, nowMs: () => clock, ...extra });
  running.push(fake);
  return fake;
}

const headers = (key: string | null, async: string | null = 'enable'): Record<string, string> => ({
  'content-type': 'application/json',
  ...(key ? { authorization: `Bearer ${key}` } : {}),
  ...(async ? { 'x-dashscope-async': async } : {}),
});

async function call(fake: FakeDashscope, method: string, url: string, key: string | null, body?: unknown, async?: string | null) {
  const res = await fetch(`${fake.url}${url}`, {
    method,
    headers: headers(key, async === undefined ? 'enable' : async),
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

const create = (fake: FakeDashscope, body: unknown = T2V, key = 'sk-a1', async?: string | null) => call(fake, 'POST', CREATE, key, body, async);
const query = (fake: FakeDashscope, taskId: string, key = 'sk-a1') => call(fake, 'GET', `/api/v1/tasks/${taskId}`, key);
const list = (fake: FakeDashscope, qs = '', key = 'sk-a1') => call(fake, 'GET', `/api/v1/tasks${qs}`, key);
const cancel = (fake: FakeDashscope, taskId: string, key = 'sk-a1') => call(fake, 'POST', `/api/v1/tasks/${taskId}/cancel`, key);

async function createdId(fake: FakeDashscope, body: unknown = T2V, key = 'sk-a1'): Promise<string> {
  const r = await create(fake, body, key);
  expect(r.status).toBe(200);
  return r.body.output.task_id as string;
}

async function probeSeconds(file: string): Promise<number> {
  const { stdout } = await promisify(execFile)(ffprobePath, ['-v', 'error', '-print_format', 'json', '-show_format', file]);
  return Number((JSON.parse(stdout) as { format: { duration: string } }).format.duration);
}

const media = (...types: string[]) => types.map((type) => ({ type, url: `https://example.com/${type}.${type === 'first_clip' ? 'mp4' : 'png'}` }));
const i2v = (m: unknown[], parameters: Json = {}) => ({ model: 'wan2.7-i2v', input: { prompt: 'make it move', media: m }, parameters });

describe('fake DashScope: task lifecycle', () => {
  it('a created task goes PENDING -> RUNNING -> SUCCEEDED and serves a real MP4 of the requested duration', async () => {
    const fake = await start();
    const r = await create(fake);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ output: { task_id: expect.any(String), task_status: 'PENDING' }, request_id: expect.any(String) });
    const id = r.body.output.task_id as string;

    let q = await query(fake, id);
    expect(q.body.output).toEqual({ task_id: id, task_status: 'PENDING', submit_time: '2026-01-01 12:00:00.123' });
    clock += 1500;
    q = await query(fake, id);
    expect(q.body.output).toMatchObject({ task_status: 'RUNNING', scheduled_time: '2026-01-01 12:00:01.123' });
    expect(q.body.output.video_url).toBeUndefined();
    clock += 3000;
    q = await query(fake, id);
    expect(q.body.output).toMatchObject({ task_status: 'SUCCEEDED', end_time: '2026-01-01 12:00:04.123', orig_prompt: 'a lighthouse at dusk' });
    // No wan2.5+ answer, recorded or documented, carries actual_prompt (variants.actualPrompt adds it).
    expect(q.body.output.actual_prompt).toBeUndefined();
    expect(q.body.usage).toEqual({ duration: 3, input_video_duration: 0, output_video_duration: 3, fps: 30, video_count: 1, SR: 720, ratio: '16:9' });

    const video = await fetch(q.body.output.video_url as string);
    expect(video.status).toBe(200);
    expect(video.headers.get('content-type')).toBe('video/mp4');
    const file = path.join(scratch, `${id}.mp4`);
    await writeFile(file, Buffer.from(await video.arrayBuffer()));
    expect(await probeSeconds(file)).toBeCloseTo(3, 0);
    expect(fake.stats()).toMatchObject({ createCalls: 1, tasksCreated: 1, queries: 3, downloads: 1 });
    expect(fake.tasks()).toEqual([
      { taskId: id, account: 'acct-a', model: 'wan2.7-t2v', status: 'SUCCEEDED', prompt: 'a lighthouse at dusk', createdAtMs: T0, endedAtMs: T0 + 4000, endSeenAtMs: T0 + 4500 },
    ]);
  });

  it('adds actual_prompt only as a variant (older models), and not when prompt_extend is false', async () => {
    const fake = await start({ variants: { actualPrompt: true } });
    const extended = await createdId(fake);
    const plain = await createdId(fake, { ...T2V, parameters: { ...T2V.parameters, prompt_extend: false } });
    clock += 5000;
    expect((await query(fake, extended)).body.output.actual_prompt).toContain('a lighthouse at dusk');
    expect((await query(fake, plain)).body.output.actual_prompt).toBeUndefined();
  });

  it('renders the result once per task and hands the renderer the model, input and parameters', async () => {
    const seen: unknown[] = [];
    const fake = await start({ render: async (task, out) => { seen.push(task); await writeFile(out, 'not really an mp4'); } });
    const id = await createdId(fake);
    clock += 5000;
    const url = (await query(fake, id)).body.output.video_url as string;
    await query(fake, id);
    for (let i = 0; i < 2; i++) expect((await fetch(url)).status).toBe(200);
    expect(seen).toEqual([{ model: 'wan2.7-t2v', input: T2V.input, parameters: T2V.parameters }]);
  });

  it('the signed video_url expires resultUrlTtlMs after the end and rejects a forged signature', async () => {
    const fake = await start({ resultUrlTtlMs: 10_000 });
    const id = await createdId(fake);
    clock += 4000;
    const url = (await query(fake, id)).body.output.video_url as string;
    expect(new URL(url).searchParams.get('Expires')).toBe(String(Math.floor((T0 + 14_000) / 1000)));
    clock += 9_000;
    expect((await fetch(url)).status).toBe(200);
    const forged = url.replace(/Signature=[^&]+/, 'Signature=AAAA');
    const bad = await fetch(forged);
    expect(bad.status).toBe(403);
    expect(await bad.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    clock += 1_000;
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired.');
  });

  it('a task older than taskExpiryMs, an unknown id and another account\'s task all query as UNKNOWN', async () => {
    const fake = await start({ taskExpiryMs: 60_000 });
    const id = await createdId(fake);
    expect((await query(fake, id, 'sk-a2')).body.output.task_status).toBe('PENDING');
    expect((await query(fake, id, 'sk-b')).body.output).toEqual({ task_id: id, task_status: 'UNKNOWN' });
    expect((await query(fake, 'no-such-task')).body.output).toEqual({ task_id: 'no-such-task', task_status: 'UNKNOWN' });
    clock += 60_000;
    const q = await query(fake, id);
    expect(q.status).toBe(200);
    expect(q.body).toEqual({ request_id: expect.any(String), output: { task_id: id, task_status: 'UNKNOWN' } });
    expect((await list(fake)).body.total).toBe(0);
  });

  it('cancel succeeds only while PENDING; later the documented UnsupportedOperation error', async () => {
    const fake = await start();
    const pending = await createdId(fake);
    const c = await cancel(fake, pending);
    expect(c).toEqual({ status: 200, body: { request_id: expect.any(String) } });
    expect((await query(fake, pending)).body.output).toMatchObject({ task_status: 'CANCELED', end_time: '2026-01-01 12:00:00.123' });
    const again = await cancel(fake, pending);
    expect(again.status).toBe(400);
    expect(again.body).toEqual({
      code: 'UnsupportedOperation', message: 'Failed to cancel the task, please confirm if the task is in PENDING status.', request_id: expect.any(String),
    });
    const running2 = await createdId(fake);
    clock += 1500;
    expect((await cancel(fake, running2)).body.code).toBe('UnsupportedOperation');
    expect((await cancel(fake, pending, 'sk-b')).body.code).toBe('UnsupportedOperation');
    clock += 10_000;
    expect((await query(fake, pending)).body.output.task_status).toBe('CANCELED');
    expect((await query(fake, running2)).body.output.task_status).toBe('SUCCEEDED');
    expect(fake.stats().cancels).toBe(4);
  });

  it('runningMsFor gives each task its own run time, decided at its create', async () => {
    const fake = await start({ runningMsFor: (t) => (t.prompt === 'slow' ? 9000 : 2000) });
    const slow = await createdId(fake, { ...T2V, input: { prompt: 'slow' } });
    const fast = await createdId(fake, { ...T2V, input: { prompt: 'fast' } });
    clock += 1000 + 2000;
    expect((await query(fake, fast)).body.output.task_status).toBe('SUCCEEDED');
    expect((await query(fake, slow)).body.output.task_status).toBe('RUNNING');
    clock += 7000;
    expect((await query(fake, slow)).body.output).toMatchObject({ task_status: 'SUCCEEDED', end_time: '2026-01-01 12:00:10.123' });
  });
});

describe('fake DashScope: request checks', () => {
  it('answers 401 InvalidApiKey without a key or with an unknown key', async () => {
    const fake = await start();
    for (const key of [null, 'sk-nope']) {
      const r = await call(fake, 'POST', CREATE, key, T2V);
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('InvalidApiKey');
      expect((await call(fake, 'GET', '/api/v1/tasks/x', key)).status).toBe(401);
    }
    expect(fake.stats().tasksCreated).toBe(0);
  });

  it('answers 400 Arrearage to a create from an account in arrears, whose queries still work', async () => {
    const fake = await start();
    const r = await create(fake, T2V, 'sk-broke');
    expect(r).toEqual({ status: 400, body: { code: 'Arrearage', message: expect.stringContaining('good standing'), request_id: expect.any(String) } });
    expect((await query(fake, 'x', 'sk-broke')).status).toBe(200);
  });

  it('refuses a create without X-DashScope-Async: enable (403 AccessDenied, synchronous calls unsupported)', async () => {
    const fake = await start();
    for (const async of [null, 'disable']) {
      const r = await create(fake, T2V, 'sk-a1', async);
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ code: 'AccessDenied', message: 'current user api does not support synchronous calls' });
    }
    expect(fake.tasks()).toHaveLength(0);
  });

  it('fails moderation at create (400 DataInspectionFailed) and creates nothing', async () => {
    const fake = await start();
    const r = await create(fake, { ...T2V, input: { prompt: 'show FORBIDDEN_CONTENT here' } });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('DataInspectionFailed');
    expect(fake.tasks()).toHaveLength(0);
  });

  it.each([
    ['t2v without a prompt', { model: 'wan2.7-t2v', input: {} }, 'Field required: input.prompt'],
    ['t2v with a blank prompt', { model: 'wan2.7-t2v', input: { prompt: ' ' } }, 'prompt must contain words'],
    ['duration 1', { ...T2V, parameters: { duration: 1 } }, 'parameters.duration'],
    ['duration 16', { ...T2V, parameters: { duration: 16 } }, 'parameters.duration'],
    ['duration as a string', { ...T2V, parameters: { duration: '5' } }, 'parameters.duration'],
    ['resolution 480P', { ...T2V, parameters: { resolution: '480P' } }, 'parameters.resolution'],
    ['lower-case resolution', { ...T2V, parameters: { resolution: '720p' } }, 'parameters.resolution'],
    ['ratio 21:9', { ...T2V, parameters: { ratio: '21:9' } }, 'parameters.ratio'],
    ['size on wan2.7-t2v', { ...T2V, parameters: { size: '1280*720' } }, 'parameters.size'],
    ['a negative seed', { ...T2V, parameters: { seed: -1 } }, 'parameters.seed'],
    ['a 501-character negative prompt', { ...T2V, input: { prompt: 'p', negative_prompt: 'x'.repeat(501) } }, 'input.negative_prompt'],
    ['i2v without media', { model: 'wan2.7-i2v', input: { prompt: 'x' } }, 'Field required: input.media'],
    ['i2v last_frame alone', i2v(media('last_frame')), 'input.media'],
    ['i2v first_frame with first_clip', i2v(media('first_frame', 'first_clip')), 'input.media'],
    ['i2v first_clip with driving_audio', i2v(media('first_clip', 'driving_audio')), 'input.media'],
    ['i2v two first_frames', i2v(media('first_frame', 'first_frame')), 'input.media'],
    ['i2v an unknown media type', i2v(media('reference_image')), 'input.media[0].type'],
    ['i2v media without url', i2v([{ type: 'first_frame' }]), 'input.media[0].url'],
    ['i2v a 12 s first_clip', i2v([{ type: 'first_clip', url: 'https://e.com/c.mp4?fake_duration=12' }]), 'input.media[0]'],
    ['i2v with ratio', i2v(media('first_frame'), { ratio: '16:9' }), 'parameters.ratio'],
    ['i2v an undownloadable image', i2v([{ type: 'first_frame', url: 'https://img.invalid/a.png' }]), 'Failed to download https://img.invalid/a.png'],
    ['wan2.6-t2v with an unknown size', { model: 'wan2.6-t2v', input: { prompt: 'p' }, parameters: { size: '1000*1000' } }, 'parameters.size'],
    ['wan2.6-t2v with resolution', { model: 'wan2.6-t2v', input: { prompt: 'p' }, parameters: { resolution: '720P' } }, 'parameters.resolution'],
  ])('accepts %s with 200 PENDING, as the service does, and fails it on the first poll with InvalidParameter naming the problem', async (_name, body, problem) => {
    const fake = await start();
    const r = await create(fake, body);
    expect(r).toEqual({ status: 200, body: { output: { task_id: expect.any(String), task_status: 'PENDING' }, request_id: expect.any(String) } });
    const id = r.body.output.task_id as string;
    expect((await query(fake, id)).body.output.task_status).toBe('PENDING');
    clock += 100;
    const q = await query(fake, id);
    expect(q.status).toBe(200);
    expect(q.body.output).toEqual({
      task_id: id, task_status: 'FAILED', submit_time: '2026-01-01 12:00:00.123', end_time: '2026-01-01 12:00:00.223', code: 'InvalidParameter', message: expect.stringContaining(problem),
    });
    expect(q.body.usage).toBeUndefined();
    expect(fake.tasks()).toMatchObject([{ taskId: id, status: 'FAILED', endedAtMs: T0 + 100 }]);
    expect(fake.stats().downloads).toBe(0);
  });

  it('answers an unknown model at create: "Model not exist." as 404 (recorded) or 400 (documented variant)', async () => {
    for (const modelNotFoundStatus of [404, 400] as const) {
      const fake = await start({ variants: { modelNotFoundStatus } });
      const r = await create(fake, { ...T2V, model: 'wan9.9-t2v' });
      expect(r).toEqual({ status: modelNotFoundStatus, body: { code: 'InvalidParameter', message: 'Model not exist.', request_id: expect.any(String) } });
      expect(fake.stats().tasksCreated).toBe(0);
    }
  });

  it('uses the documented BadRequest codes for a missing model or input, and InvalidParameter for bad JSON', async () => {
    const fake = await start();
    expect((await create(fake, { input: { prompt: 'p' } })).body.code).toBe('BadRequest.EmptyModel');
    expect((await create(fake, { model: 'wan2.7-t2v' })).body.code).toBe('BadRequest.EmptyInput');
    const r = await create(fake, '{"model":');
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('InvalidParameter');
  });

  it('accepts every documented wan2.7-i2v media combination', async () => {
    const fake = await start();
    const combos = [['first_frame'], ['first_frame', 'driving_audio'], ['first_frame', 'last_frame'], ['first_frame', 'last_frame', 'driving_audio'], ['first_clip'], ['first_clip', 'last_frame']];
    for (const c of combos) expect((await create(fake, i2v(media(...c)))).status).toBe(200);
    expect(fake.stats().tasksCreated).toBe(combos.length);
  });

  it('bills a continuation for the clip plus the generated seconds, and wan2.6-t2v by its size', async () => {
    const fake = await start();
    const clip = await createdId(fake, i2v([{ type: 'first_clip', url: 'https://e.com/c.mp4?fake_duration=3' }], { duration: 5, resolution: '720P' }));
    const legacy = await createdId(fake, { model: 'wan2.6-t2v', input: { prompt: 'p' }, parameters: { size: '720*1280', duration: 5 } });
    clock += 5000;
    expect((await query(fake, clip)).body.usage).toEqual({ duration: 8, input_video_duration: 3, output_video_duration: 8, fps: 30, video_count: 1, SR: 720 });
    expect((await query(fake, legacy)).body.usage).toMatchObject({ duration: 5, SR: 720, ratio: '9:16' });
  });
});

describe('fake DashScope: batch list', () => {
  it('lists the account\'s tasks newest first with the documented filters and paging', async () => {
    const fake = await start();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      if (i > 0) clock += 2000;
      ids.push(await createdId(fake, i === 4 ? i2v(media('first_frame')) : T2V, i % 2 === 0 ? 'sk-a1' : 'sk-a2'));
    }
    await createdId(fake, T2V, 'sk-b');
    // now = T0 + 8 s: tasks 0-2 SUCCEEDED, 3 RUNNING, 4 PENDING
    const all = await list(fake);
    expect(all.body).toMatchObject({ total: 5, total_page: 1, page_no: 1, page_size: 10, request_id: expect.any(String) });
    expect(all.body.data.map((d: Json) => d.task_id)).toEqual([...ids].reverse());
    expect(all.body.data[0]).toEqual({
      api_key_id: expect.any(String), caller_parent_id: 'acct-a', caller_uid: 'acct-a', gmt_create: T0 + 8000,
      model_name: 'wan2.7-i2v', region: 'cn-beijing', request_id: expect.any(String), status: 'PENDING',
      task_id: ids[4], user_api_unique_key: expect.any(String),
    });
    const page = await list(fake, '?page_size=2&page_no=3');
    expect(page.body).toMatchObject({ total: 5, total_page: 3, page_no: 3, page_size: 2 });
    expect(page.body.data.map((d: Json) => d.task_id)).toEqual([ids[0]]);
    expect((await list(fake, '?status=SUCCEEDED')).body.total).toBe(3);
    expect((await list(fake, '?model_name=wan2.7-i2v')).body.data.map((d: Json) => d.task_id)).toEqual([ids[4]]);
    expect((await list(fake, `?task_id=${ids[2]}`)).body.data[0].status).toBe('SUCCEEDED');
    // 12:00:01 .. 12:00:05 in UTC+8 covers the tasks created at T0+2 s and T0+4 s (T0 is 12:00:00.123)
    expect((await list(fake, '?start_time=20260101120001&end_time=20260101120005')).body.data.map((d: Json) => d.task_id)).toEqual([ids[2], ids[1]]);
    expect((await list(fake, '', 'sk-b')).body.total).toBe(1);
    const bad = await list(fake, '?page_size=0');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('InvalidParameter');
    expect(fake.stats().listCalls).toBe(8);
  });
});

describe('fake DashScope: query rate limit', () => {
  it('allows 20 queries per second per account, shared by its keys, not by other accounts', async () => {
    const fake = await start();
    const id = await createdId(fake);
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => query(fake, id, i % 2 === 0 ? 'sk-a1' : 'sk-a2')));
    const ok = burst.filter((r) => r.status === 200);
    const throttled = burst.filter((r) => r.status === 429);
    expect(ok).toHaveLength(20);
    expect(throttled).toHaveLength(10);
    expect(throttled[0]!.body).toMatchObject({ code: 'Throttling.RateQuota', message: expect.any(String), request_id: expect.any(String) });
    expect((await list(fake)).status).toBe(429);
    const other = await Promise.all(Array.from({ length: 20 }, () => query(fake, id, 'sk-b')));
    expect(other.every((r) => r.status === 200)).toBe(true);
    expect(fake.stats().throttled).toBe(11);
    expect(fake.stats().maxQueriesInOneSecond).toEqual({ 'acct-a': 31, 'acct-b': 20 });
    await new Promise((r) => setTimeout(r, 1100));
    expect((await query(fake, id, 'sk-a2')).status).toBe(200);
  });
});

describe('fake DashScope: faults', () => {
  const send = (fake: FakeDashscope, signal?: AbortSignal) =>
    fetch(`${fake.url}${CREATE}`, { method: 'POST', headers: headers('sk-a1'), body: JSON.stringify(T2V), ...(signal ? { signal } : {}) });

  it('createError500 answers 500 InternalError and creates no task', async () => {
    const fake = await start({ faults: { createError500: 1 } });
    const r = await create(fake);
    expect(r.status).toBe(500);
    expect(r.body.code).toBe('InternalError');
    expect(fake.tasks()).toHaveLength(0);
  });

  it('createThrottle429 answers 429 Throttling and creates no task', async () => {
    const fake = await start({ faults: { createThrottle429: 1 } });
    const r = await create(fake);
    expect(r.status).toBe(429);
    expect(r.body.code).toMatch(/^Throttling/);
    expect(fake.tasks()).toHaveLength(0);
    expect(fake.stats().throttled).toBe(1);
  });

  it('createCutBeforeAccept drops the connection and creates no task', async () => {
    const fake = await start({ faults: { createCutBeforeAccept: 1 } });
    await expect(send(fake)).rejects.toThrow();
    expect(fake.tasks()).toHaveLength(0);
  });

  it('createCutAfterAccept creates the task, then drops the connection', async () => {
    const fake = await start({ faults: { createCutAfterAccept: 1 } });
    await expect(send(fake)).rejects.toThrow();
    expect(fake.tasks()).toHaveLength(1);
    expect((await list(fake)).body.total).toBe(1);
  });

  it('createHangAfterAccept creates the task and never answers', async () => {
    const fake = await start({ faults: { createHangAfterAccept: 1 } });
    await expect(send(fake, AbortSignal.timeout(300))).rejects.toThrow();
    expect(fake.tasks()).toHaveLength(1);
  });

  it('queryError500 and queryCut hit task queries and list calls', async () => {
    const fake = await start();
    const id = await createdId(fake);
    fake.setFaults({ queryError500: 1 });
    expect((await query(fake, id)).status).toBe(500);
    expect((await list(fake)).body.code).toBe('InternalError');
    fake.setFaults({ queryError500: 0, queryCut: 1 });
    await expect(query(fake, id)).rejects.toThrow();
    await expect(list(fake)).rejects.toThrow();
    fake.setFaults({ queryCut: 0 });
    expect((await query(fake, id)).status).toBe(200);
  });

  it('taskFailure ends the task FAILED with code InternalError and no video', async () => {
    const fake = await start({ faults: { taskFailure: 1 } });
    const id = await createdId(fake);
    clock += 5000;
    const q = await query(fake, id);
    expect(q.body.output).toMatchObject({ task_status: 'FAILED', code: 'InternalError', message: expect.any(String), end_time: expect.any(String) });
    expect(q.body.output.video_url).toBeUndefined();
    expect(q.body.usage).toBeUndefined();
  });

  it('the same faults seed replays the same fault sequence', async () => {
    const faults = { createError500: 0.3, createThrottle429: 0.3, taskFailure: 0.5, seed: 42 };
    const outcomes = async () => {
      const fake = await start({ faults });
      const seen: string[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await create(fake);
        seen.push(String(r.status));
      }
      clock += 5000;
      for (const t of fake.tasks()) seen.push((await query(fake, t.taskId)).body.output.task_status as string);
      return seen;
    };
    const first = await outcomes();
    expect(await outcomes()).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['200', '500', '429', 'SUCCEEDED', 'FAILED']));
  });
});

describe('fake DashScope: command line', () => {
  it('starts from flags: keys with accounts, timings and fault rates', async () => {
    const fake = (await runFakeDashscopeCli(['--port', '0', '--key', 'sk-x:acct-x', '--pending-ms', '5', '--create-error-rate', '1']))!;
    running.push(fake);
    const r = await fetch(`${fake.url}${CREATE}`, { method: 'POST', headers: headers('sk-x'), body: JSON.stringify(T2V) });
    expect(r.status).toBe(500);
    await expect(runFakeDashscopeCli(['--create-error-rate', '2'])).rejects.toThrow(/create-error-rate/);
    expect(parseFakeDashscopeArgs(['--usage-numbers', 'integer', '--without-usage-fps', '--model-not-found-status', '400', '--actual-prompt', '--invalid-fail-ms', '50'])).toMatchObject({
      invalidFailMs: 50,
      variants: { usageNumbers: 'integer', usageFps: false, modelNotFoundStatus: 400, actualPrompt: true },
    });
    expect(() => parseFakeDashscopeArgs(['--usage-numbers', 'words'])).toThrow(/usage-numbers/);
    await expect(runFakeDashscopeCli(['--bogus'])).rejects.toThrow();
  });
});
