/**
 * Golden tests: every create, query, cancel and list answer recorded from the live DashScope service or
 * printed in its documentation (test/fixtures/dashscope) goes through the engine's parsers and error rules.
 */
import { describe, expect, it } from 'vitest';
import { billedCostMinor, quoteMinor, type PriceTable } from '../../../domain/pricing.js';
import { reportedFirstPollFailures, sample, statusOf, wireBody, wireSamples, type TextSample } from '../../../../test/fixtures/dashscope/recorded.js';
import { classifyHttpError, classifyTaskFailure } from './errors.js';
import { fromCreateReply, fromErrorReply, fromListReply, fromQueryReply, parseStatus, parseUpstreamTime, UpstreamReplyError } from './from-upstream.js';
import type { UpstreamTaskView } from '../upstream/upstream-task.js';

/** A wall-clock time in UTC+8, as the task query prints it, in epoch ms. */
const utc8 = (y: number, mo: number, d: number, h: number, mi: number, s: number, ms = 0) => Date.UTC(y, mo - 1, d, h, mi, s, ms) - 8 * 3600_000;
const text = (id: string) => sample(id) as TextSample;

describe('recorded create answers', () => {
  it('reads the task id and PENDING from every recorded and documented 200', () => {
    const created = wireSamples('create').filter((s) => statusOf(s) === 200);
    expect(created.map((s) => s.id)).toHaveLength(6);
    for (const s of created) {
      const body = wireBody(s) as { output: { task_id: string } };
      expect(fromCreateReply(body), s.id).toEqual({ taskId: body.output.task_id, status: 'PENDING' });
    }
  });

  it.each([
    ['create-error-doc-invalid-api-key', 401, { kind: 'channel_broken', reason: 'upstream_invalid_api_key', code: 'InvalidApiKey', message: 'No API-key provided.' }],
    ['create-401-text-route-2024-11-25', 401, { kind: 'channel_broken', reason: 'upstream_invalid_api_key', code: 'InvalidApiKey', message: 'Invalid API-key provided.' }],
    ['create-400-text-route-2024-02-26', 400, { kind: 'permanent', reason: 'upstream_invalid_parameter', code: 'InvalidParameter' }],
    ['create-403-async-denied-probe-2026-08-04', 403, { kind: 'channel_broken', reason: 'upstream_access_denied', code: 'AccessDenied' }],
    ['create-403-sync-denied-probe-2026-08-04', 403, { kind: 'channel_broken', reason: 'upstream_access_denied', message: 'current user api does not support synchronous calls' }],
    ['create-400-bad-size-probe-2026-08-04', 400, { kind: 'permanent', reason: 'upstream_invalid_parameter', message: expect.stringContaining('The size does not match') }],
    ['create-400-area-probe-2026-08-04', 400, { kind: 'permanent', reason: 'upstream_invalid_parameter', code: 'InvalidParameter' }],
    ['create-400-data-inspection-probe-2026-08-04', 400, { kind: 'permanent', reason: 'upstream_invalid_parameter', code: 'InvalidParameter.DataInspection' }],
    ['create-404-model-not-exist-probe-2026-08-04', 404, { kind: 'channel_broken', reason: 'upstream_not_found', message: 'Model not exist.' }],
    ['create-400-arrearage-runbook', 400, { kind: 'channel_broken', reason: 'upstream_arrearage', code: 'Arrearage' }],
  ])('maps the create error %s (HTTP %i) to what to do, keeping the upstream code and message', (id, httpStatus, expected) => {
    const s = sample(id);
    // The documented InvalidApiKey body prints no status; the error-code page files it under 401.
    expect(statusOf(s) ?? 401).toBe(httpStatus);
    const { code, message } = fromErrorReply(wireBody(s));
    expect(code).toMatch(/^[A-Z]\w+/);
    expect(message).toBeTruthy();
    expect(classifyHttpError('create', { httpStatus, ...(code && { code }), ...(message && { message }) })).toMatchObject(expected);
  });

  it('"Model not exist." sets the channel aside whether it comes as 404 (recorded) or 400 (error-code page, a user report)', () => {
    const body = wireBody(sample('create-404-model-not-exist-probe-2026-08-04')) as { code: string; message: string };
    const as404 = classifyHttpError('create', { httpStatus: 404, ...body });
    const as400 = classifyHttpError('create', { httpStatus: 400, ...body });
    expect(as404).toEqual(as400);
    expect(as400).toMatchObject({ kind: 'channel_broken', reason: 'upstream_not_found' });
  });
});

describe('recorded task query answers', () => {
  const succeeded: [string, Partial<UpstreamTaskView>][] = [
    ['query-succeeded-new-api-2026-08-27', { billedSeconds: 10, submittedAtMs: utc8(2026, 8, 27, 15, 59, 59, 299), scheduledAtMs: utc8(2026, 8, 27, 15, 59, 59, 335), endedAtMs: utc8(2026, 8, 27, 16, 2, 9, 980) }],
    ['query-succeeded-ts-file-2026-04-21', { billedSeconds: 10, submittedAtMs: utc8(2026, 4, 21, 0, 9, 6, 534), endedAtMs: utc8(2026, 4, 21, 0, 10, 50, 287) }],
    ['query-succeeded-relay-videoedit-2026-07-14', { endedAtMs: utc8(2026, 7, 14, 17, 17, 42, 21) }],
    ['query-succeeded-relay-i2v-2026-07-14', { endedAtMs: utc8(2026, 7, 14, 16, 44, 3, 621) }],
    ['query-succeeded-relay-videoedit-ref-2026-07-14', { endedAtMs: utc8(2026, 7, 14, 17, 23, 56, 30) }],
    ['query-succeeded-doc-wan2.7-t2v', { billedSeconds: 10, endedAtMs: utc8(2025, 9, 29, 14, 23, 39, 407) }],
    ['query-succeeded-doc-wan2.7-i2v', { billedSeconds: 15 }],
    ['query-succeeded-doc-wan2.7-r2v', { billedSeconds: 15 }],
    ['query-succeeded-doc-wan2.7-videoedit', { billedSeconds: 10.04 }],
    ['query-succeeded-doc-wan2.6-r2v', { billedSeconds: 10 }],
    ['query-succeeded-doc-wan2.6-t2v', { billedSeconds: 10 }],
    ['query-succeeded-doc-wan2.2-kf2v', { billedSeconds: 5, actualPrompt: expect.stringContaining('小猫的黄色眼睛') }],
    ['query-succeeded-python-sdk-wan2.7-videoedit', { billedSeconds: 10.08, scheduledAtMs: utc8(2026, 4, 10, 17, 16, 46, 379) }],
  ];

  it.each(succeeded)('reads %s: SUCCEEDED, its video URL, billed seconds and UTC+8 times', (id, expected) => {
    const body = wireBody(sample(id)) as { output: Record<string, string> };
    const view = fromQueryReply(body);
    expect(view).toMatchObject({ taskId: body.output.task_id, status: 'SUCCEEDED', videoUrl: body.output.video_url, origPrompt: body.output.orig_prompt, ...expected });
    if (!('billedSeconds' in expected)) expect(view.billedSeconds).toBeUndefined();
    for (const t of ['submittedAtMs', 'scheduledAtMs', 'endedAtMs'] as const) expect(view[t], `${id} ${t}`).toEqual(expect.any(Number));
  });

  it('reads end_time as UTC+8: every recorded signed URL expires 24 h after it (less the few seconds it was signed early)', () => {
    const dated = wireSamples('query').filter((s): s is TextSample => 'urlExpiresEpochS' in s && s.urlExpiresEpochS !== undefined);
    expect(dated).toHaveLength(5);
    for (const s of dated) {
      const ended = fromQueryReply(wireBody(s)).endedAtMs!;
      const early = ended + 24 * 3600_000 - s.urlExpiresEpochS! * 1000;
      expect(early, s.id).toBeGreaterThanOrEqual(0);
      expect(early, s.id).toBeLessThan(12_000);
    }
  });

  it('bills 10, 10.0 and "10" alike and fractional counts in whole milliseconds, charging integer minor units never above the hold', () => {
    const prices: PriceTable = { currency: 'CNY', minorPerMajor: 10_000, perSecondMinor: { '720P': 6000, '1080P': 10_000 } };
    const quote10 = quoteMinor(prices, '720P', 10);
    const billed = (id: string) => fromQueryReply(wireBody(sample(id))).billedSeconds;
    // The same task as integers (2026-04-21) and as x.0 floats (2026-08-27, byte for byte).
    expect(text('query-succeeded-new-api-2026-08-27').body).toContain('"duration":10.0,');
    expect(billed('query-succeeded-new-api-2026-08-27')).toBe(billed('query-succeeded-ts-file-2026-04-21'));
    for (const id of ['query-succeeded-new-api-2026-08-27', 'query-succeeded-ts-file-2026-04-21', 'query-succeeded-doc-wan2.6-r2v', 'query-succeeded-doc-wan2.7-videoedit', 'query-succeeded-python-sdk-wan2.7-videoedit']) {
      const cost = billedCostMinor(quote10, 10, billed(id));
      expect(Number.isInteger(cost), id).toBe(true);
      expect(cost, id).toBe(60_000);
    }
    // 10.04 s on a longer request: whole seconds rounded up, as quoted.
    expect(billedCostMinor(quoteMinor(prices, '720P', 15), 15, billed('query-succeeded-doc-wan2.7-videoedit'))).toBe(66_000);
    expect(billedCostMinor(quoteMinor(prices, '720P', 15), 15, billed('query-succeeded-doc-wan2.7-r2v'))).toBe(90_000);
    // Float noise in a sum never adds a second.
    expect(fromQueryReply({ output: { task_id: 't', task_status: 'SUCCEEDED', video_url: 'https://x/y.mp4' }, usage: { duration: 0.1 + 0.2 + 9.7 } }).billedSeconds).toBe(10);
  });

  it('accepts the SDK prints: SR as a string, x.0 floats, and the SDK\'s own status_code/code/message', () => {
    const java = text('query-succeeded-java-sdk-wan2.7-t2v').body;
    expect(() => JSON.parse(java)).toThrow(); // unescaped quotes in orig_prompt: an SDK print, not the wire
    const usage = JSON.parse(/"usage": (\{[^}]*\})/.exec(java)![1]!) as Record<string, unknown>;
    expect(usage.SR).toBe('720');
    expect(fromQueryReply({ output: { task_id: 't', task_status: 'SUCCEEDED', video_url: 'https://x/y.mp4' }, usage }).billedSeconds).toBe(10);
    expect(fromQueryReply(wireBody(sample('query-succeeded-python-sdk-wan2.7-videoedit'))).errorCode).toBeUndefined();
  });

  it('reads RUNNING with its submit and schedule times, and every status of the recorded poll log', () => {
    expect(fromQueryReply(wireBody(sample('query-running-image-2024-03-01')))).toEqual({
      taskId: '9e2b6ef6-285d-4efa-8651-4dbda7d571fa',
      status: 'RUNNING',
      submittedAtMs: utc8(2024, 3, 1, 17, 38, 24, 817),
      scheduledAtMs: utc8(2024, 3, 1, 17, 38, 24, 831),
    });
    // The 2024 gateway header req-arrive-time (epoch ms) is 74 ms before the body's submit_time read as UTC+8.
    expect(parseUpstreamTime('2024-03-01 17:38:24.817')! - 1709285904743).toBe(74);
    const log = text('query-poll-log-notebook-2026-06-06').body;
    const statuses = [...log.matchAll(/task_status=(\w+), request_id=([\w-]+)/g)];
    expect(statuses.map((m) => parseStatus(m[1]))).toEqual(['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'SUCCEEDED']);
    expect(new Set(statuses.map((m) => m[2])).size).toBe(statuses.length);
  });

  it('reads FAILED with the code and message inside output, and UNKNOWN (unknown or expired id) at HTTP 200', () => {
    expect(fromQueryReply(wireBody(sample('query-failed-doc')))).toEqual({
      taskId: '86ecf553-d340-4e21-af6e-a0c6a421c010',
      status: 'FAILED',
      errorCode: 'InvalidParameter',
      errorMessage: 'The size is not match xxxxxx',
    });
    for (const id of ['query-unknown-2024-02-29', 'query-unknown-doc']) {
      expect(statusOf(sample(id))).toBe(200);
      expect(fromQueryReply(wireBody(sample(id))).status).toBe('UNKNOWN');
    }
    expect(fromQueryReply(wireBody(sample('query-unknown-2024-02-29'))).taskId).toBe('1111');
  });

  it('fails a create-then-fail task for good with the upstream message: the first-poll failures reported are final', () => {
    const failedDoc = wireBody(sample('query-failed-doc')) as { output: Record<string, string> };
    for (const f of reportedFirstPollFailures) {
      const view = fromQueryReply({ ...failedDoc, output: { ...failedDoc.output, code: f.code, message: f.message } });
      const verdict = classifyTaskFailure(view.errorCode, view.errorMessage);
      expect(verdict, f.message).toMatchObject({ retryable: false, code: 'invalid_request', reason: 'upstream_invalid_parameter' });
      expect(verdict.message).toContain(f.message);
    }
  });

  it('refuses what is not a video task: the image task\'s results[] without video_url, an unknown status, a top-level error at 200', () => {
    expect(() => fromQueryReply(wireBody(sample('query-succeeded-image-2024-03-01')))).toThrow(/SUCCEEDED but has no output.video_url/);
    expect(() => fromQueryReply({ output: { task_id: 't', task_status: 'SUSPENDED' } })).toThrow(/unknown output.task_status "SUSPENDED"/);
    expect(() => fromQueryReply({ code: 'InvalidParameter', message: 'task not found', request_id: 'r' })).toThrow(/it says InvalidParameter: task not found/);
    expect(() => fromQueryReply(undefined)).toThrow(UpstreamReplyError);
  });
});

describe('recorded cancel and list answers', () => {
  it('cancel: a finished task is a 400 UnsupportedOperation (not retried); success carries only request_id', () => {
    const refused = sample('cancel-400-finished-2024-03-01');
    const { code, message } = fromErrorReply(wireBody(refused));
    expect({ code, message }).toEqual({ code: 'UnsupportedOperation', message: 'Failed to cancel the task, please confirm if the task is in PENDING status.' });
    expect(classifyHttpError('cancel', { httpStatus: statusOf(refused)!, code: code!, message: message! }).kind).toBe('transient');
    expect(Object.keys(wireBody(sample('cancel-200-doc')) as object)).toEqual(['request_id']);
  });

  it('list: reads epoch-millisecond times, a RUNNING row without end_time, and the page counts', () => {
    const rec = fromListReply(wireBody(sample('list-200-2024-03-01')));
    expect(rec).toEqual({
      entries: [{ taskId: '6075262c-b56d-4968-9abf-2a9784a90f3e', status: 'SUCCEEDED', model: 'text-embedding-async-v2', createdAtMs: 1709260684485, startedAtMs: 1709260684527, endedAtMs: 1709260685184 }],
      total: 1,
      pageNo: 1,
      pageSize: 10,
      totalPages: 1,
    });
    const doc = fromListReply(wireBody(sample('list-200-doc')));
    expect(doc.entries).toEqual([
      { taskId: '50e2ccea-abc4-43d7-a0dc-xxxxxx', status: 'RUNNING', model: 'wanx2.1-kf2v-plus', createdAtMs: 1745568428109, startedAtMs: 1745568428138 },
      { taskId: '3c777dbc-8cc6-4d80-aa90-xxxxxx', status: 'SUCCEEDED', model: 'wanx2.1-t2i-turbo', createdAtMs: 1745568293253, startedAtMs: 1745568293273, endedAtMs: 1745568302481 },
    ]);
  });

  it('reads an end_time without milliseconds (a recorded image task: "2024-03-02 22:22:21")', () => {
    expect(parseUpstreamTime('2024-03-02 22:22:21')).toBe(utc8(2024, 3, 2, 22, 22, 21));
  });
});
