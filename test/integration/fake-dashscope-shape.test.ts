/**
 * The simulator answers like the live service: for every endpoint and status with a recorded or documented
 * answer (test/fixtures/dashscope), the simulator's answer has the same HTTP status, the same keys and JSON
 * types and the same content type; ids, times and other values are ignored. Where the samples disagree,
 * each variant is compared with the sample that shows it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseUpstreamTime } from '../../src/adapters/engines/dashscope/from-upstream.js';
import { startFakeDashscope, type FakeDashscope, type FakeDashscopeOptions } from '../../src/dev/fake-dashscope/fake-dashscope.js';
import { sample, statusOf, wireBody, wireSamples, type RecordedSample, type TextSample } from '../fixtures/dashscope/recorded.js';
import { omitKeys, shapeOf } from '../helpers/json-shape.js';

const CREATE = '/api/v1/services/aigc/video-generation/video-synthesis';
const T2V = { model: 'wan2.7-t2v', input: { prompt: 'a lighthouse at dusk' }, parameters: { resolution: '720P', ratio: '16:9', duration: 10 } };
const I2V = { model: 'wan2.7-i2v', input: { prompt: 'make it move', media: [{ type: 'first_frame', url: 'https://example.com/a.png' }] }, parameters: { resolution: '720P', duration: 10 } };
const T0 = Date.UTC(2026, 0, 1, 4, 0, 0, 123);

type Json = Record<string, any>;
interface Answer {
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  text: string;
  body: Json;
}

let clock = T0;
const running: FakeDashscope[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((f) => f.close()));
});

async function start(extra: Partial<FakeDashscopeOptions> = {}): Promise<FakeDashscope> {
  clock = T0;
  const fake = await startFakeDashscope({ keys: [{ key: 'sk-a', account: 'acct-a' }, { key: 'sk-broke', account: 'acct-b', arrears: true }], pendingMs: 1000, runningMs: 3000, nowMs: () => clock, ...extra });
  running.push(fake);
  return fake;
}

async function call(fake: FakeDashscope, method: 'GET' | 'POST', path: string, opts: { key?: string | null; body?: unknown; async?: boolean } = {}): Promise<Answer> {
  const key = opts.key === undefined ? 'sk-a' : opts.key;
  const res = await fetch(fake.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(key && { authorization: `Bearer ${key}` }), ...(opts.async !== false && { 'x-dashscope-async': 'enable' }) },
    ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }),
  });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type'), retryAfter: res.headers.get('retry-after'), text, body: JSON.parse(text) as Json };
}

const create = (fake: FakeDashscope, body: unknown = T2V, opts: { key?: string | null; async?: boolean } = {}) => call(fake, 'POST', CREATE, { body, ...opts });
const query = (fake: FakeDashscope, id: string) => call(fake, 'GET', `/api/v1/tasks/${id}`);
const cancel = (fake: FakeDashscope, id: string) => call(fake, 'POST', `/api/v1/tasks/${id}/cancel`);
const list = (fake: FakeDashscope) => call(fake, 'GET', '/api/v1/tasks');

/** The content type of a recorded response head, when it was recorded. */
function recordedContentType(s: RecordedSample): string | undefined {
  return s.format === 'js-literal' ? undefined : /^content-type:\s*(.+)$/im.exec(s.head ?? '')?.[1]?.trim();
}

/** Same HTTP status (when the sample shows one), same keys and JSON types, same content type (when recorded). */
function expectLike(answer: Answer, id: string, prepare: (recorded: unknown) => unknown = (b) => b): void {
  const s = sample(id);
  const status = statusOf(s);
  if (status !== undefined) expect(answer.status, id).toBe(status);
  expect(shapeOf(answer.body), id).toEqual(shapeOf(prepare(wireBody(s))));
  const ct = recordedContentType(s);
  if (ct !== undefined) expect(answer.contentType, id).toBe(ct);
  // No recorded answer carries a Retry-After (nor any rate-limit header).
  expect(answer.retryAfter).toBeNull();
}

async function createdId(fake: FakeDashscope, body: unknown = T2V): Promise<string> {
  const r = await create(fake, body);
  expect(r.status).toBe(200);
  return r.body.output.task_id as string;
}

describe('simulator vs recorded: create', () => {
  it('a created task: 200 with only output.task_id, output.task_status PENDING and request_id, like every recorded create', async () => {
    const fake = await start();
    const r = await create(fake);
    for (const s of wireSamples('create').filter((x) => statusOf(x) === 200)) expectLike(r, s.id);
    expect(r.contentType).toBe('application/json');
    // Recorded request ids are not v4 UUIDs: the third group starts with 9.
    expect(r.body.request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-9[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('a missing or unknown key: 401 InvalidApiKey with the recorded messages', async () => {
    const fake = await start();
    const none = await create(fake, T2V, { key: null });
    expectLike(none, 'create-error-doc-invalid-api-key');
    expect(none).toMatchObject({ status: 401, body: { code: 'InvalidApiKey', message: 'No API-key provided.' } });
    const wrong = await create(fake, T2V, { key: 'sk-nope' });
    expectLike(wrong, 'create-401-text-route-2024-11-25');
    expect(wrong.body).toMatchObject({ code: 'InvalidApiKey', message: 'Invalid API-key provided.' });
  });

  it('no X-DashScope-Async: 403 AccessDenied "current user api does not support synchronous calls", as probed live', async () => {
    const fake = await start();
    const r = await create(fake, T2V, { async: false });
    expectLike(r, 'create-403-sync-denied-probe-2026-08-04');
    expect(r.body).toMatchObject(omitKeys(wireBody(sample('create-403-sync-denied-probe-2026-08-04')), ['request_id']));
    expect(fake.tasks()).toHaveLength(0);
  });

  it('an unknown model: "Model not exist." as 404 (recorded) or, as a variant, 400 (documented)', async () => {
    const recorded = omitKeys(wireBody(sample('create-404-model-not-exist-probe-2026-08-04')), ['request_id']);
    const r404 = await create(await start(), { ...T2V, model: 'wan9.9-t2v' });
    expectLike(r404, 'create-404-model-not-exist-probe-2026-08-04');
    expect(r404.body).toMatchObject(recorded);
    const r400 = await create(await start({ variants: { modelNotFoundStatus: 400 } }), { ...T2V, model: 'wan9.9-t2v' });
    expect(r400.status).toBe(400);
    expect(shapeOf(r400.body)).toEqual(shapeOf(r404.body));
    expect(r400.body).toMatchObject(recorded);
  });

  it('arrears: 400 Arrearage with the documented message (the hand-reproduced runbook body leaves out request_id)', async () => {
    const r = await create(await start(), T2V, { key: 'sk-broke' });
    expectLike(r, 'create-400-text-route-2024-02-26');
    expect(r.body).toMatchObject(wireBody(sample('create-400-arrearage-runbook')) as Json);
  });

  it('bad input is no create error: 200 PENDING, FAILED on the first poll 0.1 s later, shaped like the documented FAILED body', async () => {
    const fake = await start();
    const id = await createdId(fake, { model: 'wan2.7-i2v', input: { prompt: 'x' } });
    clock += 100;
    const q = await query(fake, id);
    expect(q.body.output).toMatchObject({ task_status: 'FAILED', code: 'InvalidParameter', message: 'Field required: input.media' });
    // Documentation only: the page's FAILED example has no times; a live FAILED answer showed timestamps
    // (modelstudioai/cli issue #184), so the simulator keeps submit_time and end_time.
    expectLike(q, 'query-failed-doc', (b) => ({ ...(b as Json), output: { ...(b as Json).output, submit_time: '', end_time: '' } }));
  });
});

describe('simulator vs recorded: task query', () => {
  it('RUNNING: submit_time and scheduled_time, like the recorded RUNNING answer (its task_metrics belongs to image tasks)', async () => {
    const fake = await start();
    const id = await createdId(fake);
    clock += 1500;
    expectLike(await query(fake, id), 'query-running-image-2024-03-01', (b) => ({ ...(b as Json), output: omitKeys((b as Json).output, ['task_metrics']) }));
  });

  it('SUCCEEDED, default: x.0 floats, fps 30, SR a number and ratio, like the 2026-08-27 capture byte for byte', async () => {
    const fake = await start();
    const id = await createdId(fake);
    clock += 4000;
    const q = await query(fake, id);
    expectLike(q, 'query-succeeded-new-api-2026-08-27');
    expect(q.text).toMatch(/"duration":10\.0,"input_video_duration":0,"output_video_duration":10\.0,"fps":30,"video_count":1,"SR":720,"ratio":"16:9"/);
    expect((sample('query-succeeded-new-api-2026-08-27') as TextSample).body).toMatch(/"duration":10\.0,"input_video_duration":0,"output_video_duration":10\.0,"fps":30,"video_count":1,"SR":1080,"ratio":/);
  });

  it('SUCCEEDED, integer variant: like the 2026-04-21 capture (image-to-video, no fps) and the text-to-video page', async () => {
    const fake = await start({ variants: { usageNumbers: 'integer', usageFps: false } });
    const i2v = await createdId(fake, I2V);
    const t2v = await createdId(fake, T2V);
    clock += 4000;
    const a = await query(fake, i2v);
    expectLike(a, 'query-succeeded-ts-file-2026-04-21');
    expect(a.text).toContain('"duration":10,"input_video_duration":0,"output_video_duration":10,"video_count":1,"SR":720');
    expectLike(await query(fake, t2v), 'query-succeeded-doc-wan2.7-t2v');
  });

  it('SUCCEEDED, fractional variant: measured lengths like the videoedit page (10.04)', async () => {
    const fake = await start({ variants: { usageNumbers: 'fractional', usageFps: false } });
    const id = await createdId(fake, I2V);
    clock += 4000;
    const q = await query(fake, id);
    expectLike(q, 'query-succeeded-doc-wan2.7-videoedit');
    expect(q.body.usage).toMatchObject({ duration: 10.02, output_video_duration: 10.02 });
  });

  it('the signed video_url expires 24 h after end_time read as UTC+8, as every recorded URL does', async () => {
    const fake = await start();
    const id = await createdId(fake);
    clock += 4000;
    const { output } = (await query(fake, id)).body;
    const expiresMs = Number(new URL(output.video_url as string).searchParams.get('Expires')) * 1000;
    expect(expiresMs - parseUpstreamTime(output.end_time)!).toBe(24 * 3600_000 - 123); // Expires is whole seconds
  });

  it('UNKNOWN at HTTP 200 for an unknown id and an expired task, with only task_id and task_status', async () => {
    const fake = await start({ taskExpiryMs: 60_000 });
    const id = await createdId(fake);
    expectLike(await query(fake, '1111'), 'query-unknown-2024-02-29');
    clock += 60_000;
    expectLike(await query(fake, id), 'query-unknown-doc');
  });

  it('PENDING and CANCELED (documentation only: never captured) carry no key the recorded RUNNING and SUCCEEDED answers lack', async () => {
    const fake = await start();
    const id = await createdId(fake);
    const recordedKeys = ['query-running-image-2024-03-01', 'query-succeeded-new-api-2026-08-27'].flatMap((s) => Object.keys((wireBody(sample(s)) as Json).output));
    const pending = await query(fake, id);
    expect(Object.keys(pending.body.output).sort()).toEqual(['submit_time', 'task_id', 'task_status']);
    await cancel(fake, id);
    const canceled = await query(fake, id);
    expect(Object.keys(canceled.body.output).sort()).toEqual(['end_time', 'submit_time', 'task_id', 'task_status']);
    for (const q of [pending, canceled]) {
      expect(recordedKeys).toEqual(expect.arrayContaining(Object.keys(q.body.output)));
      expect(Object.keys(q.body).sort()).toEqual(['output', 'request_id']);
    }
  });
});

describe('simulator vs recorded: cancel and list', () => {
  it('cancel: 200 with only request_id while PENDING; 400 UnsupportedOperation with the recorded message afterwards', async () => {
    const fake = await start();
    const id = await createdId(fake);
    expectLike(await cancel(fake, id), 'cancel-200-doc');
    const again = await cancel(fake, id);
    expectLike(again, 'cancel-400-finished-2024-03-01');
    expect(again.body).toMatchObject(omitKeys(wireBody(sample('cancel-400-finished-2024-03-01')), ['request_id']));
  });

  it('list: epoch-millisecond times, a RUNNING row without end_time, the recorded page keys', async () => {
    const fake = await start();
    await createdId(fake);
    clock += 5000;
    const done = await list(fake);
    expectLike(done, 'list-200-2024-03-01');
    await createdId(fake);
    clock += 1500;
    const mixed = await list(fake);
    const [runningRow, succeededRow] = (wireBody(sample('list-200-doc')) as Json).data as Json[];
    expect(mixed.body.data.map((r: Json) => r.status)).toEqual(['RUNNING', 'SUCCEEDED']);
    expect(shapeOf(mixed.body.data[0])).toEqual(shapeOf(runningRow));
    expect(shapeOf(mixed.body.data[1])).toEqual(shapeOf(succeededRow));
  });
});
