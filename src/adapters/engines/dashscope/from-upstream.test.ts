import { describe, expect, it } from 'vitest';
import { formatListTime, fromCreateReply, fromErrorReply, fromListReply, fromQueryReply, parseUpstreamTime, UpstreamReplyError } from './from-upstream.js';

describe('parseUpstreamTime', () => {
  it('reads the offset-less query times as UTC+8', () => {
    expect(parseUpstreamTime('2023-12-20 21:36:31.896')).toBe(Date.UTC(2023, 11, 20, 13, 36, 31, 896));
    expect(parseUpstreamTime('2024-01-01 00:00:00')).toBe(Date.UTC(2023, 11, 31, 16, 0, 0));
  });
  it('reads epoch numbers (ms or s) and ISO strings with an offset; nothing else', () => {
    expect(parseUpstreamTime(1_700_000_000_123)).toBe(1_700_000_000_123);
    expect(parseUpstreamTime(1_700_000_000)).toBe(1_700_000_000_000);
    expect(parseUpstreamTime('2024-05-01T10:00:00Z')).toBe(Date.UTC(2024, 4, 1, 10));
    expect(parseUpstreamTime(null)).toBeUndefined();
    expect(parseUpstreamTime('yesterday')).toBeUndefined();
  });
  it('formats the list filter as YYYYMMDDhhmmss in UTC+8', () => {
    expect(formatListTime(Date.UTC(2023, 11, 31, 16, 0, 5))).toBe('20240101000005');
  });
});

describe('fromQueryReply', () => {
  it('reads a SUCCEEDED task: URL, billed seconds, prompts, times', () => {
    const v = fromQueryReply({
      request_id: 'r',
      output: {
        task_id: 't1',
        task_status: 'SUCCEEDED',
        submit_time: '2025-01-02 10:00:00.000',
        scheduled_time: '2025-01-02 10:00:01.500',
        end_time: '2025-01-02 10:02:00.000',
        video_url: 'https://oss/x.mp4?sig',
        orig_prompt: 'cat',
        actual_prompt: 'a cat, cinematic',
      },
      usage: { duration: 12, input_video_duration: 2, output_video_duration: 12, SR: 720, fps: 24, video_count: 1 },
    });
    expect(v).toEqual({
      taskId: 't1',
      status: 'SUCCEEDED',
      videoUrl: 'https://oss/x.mp4?sig',
      billedSeconds: 12,
      origPrompt: 'cat',
      actualPrompt: 'a cat, cinematic',
      submittedAtMs: Date.UTC(2025, 0, 2, 2, 0, 0),
      scheduledAtMs: Date.UTC(2025, 0, 2, 2, 0, 1, 500),
      endedAtMs: Date.UTC(2025, 0, 2, 2, 2, 0),
    });
  });
  it('reads a FAILED task with its code and message, and an UNKNOWN one', () => {
    expect(fromQueryReply({ output: { task_id: 't', task_status: 'FAILED', code: 'InternalError', message: 'oops' } })).toMatchObject({
      status: 'FAILED',
      errorCode: 'InternalError',
      errorMessage: 'oops',
    });
    expect(fromQueryReply({ output: { task_id: 't', task_status: 'UNKNOWN' } }).status).toBe('UNKNOWN');
  });
  it('refuses a reply that is not a task', () => {
    expect(() => fromQueryReply({ code: 'x' })).toThrow(UpstreamReplyError);
    expect(() => fromQueryReply({ output: { task_id: 't', task_status: 'DANCING' } })).toThrow(UpstreamReplyError);
  });
});

describe('fromListReply / fromCreateReply / fromErrorReply', () => {
  it('reads a list page with epoch-ms times, skipping rows it cannot read', () => {
    const page = fromListReply({
      request_id: 'r',
      data: [
        { task_id: 'a', status: 'SUCCEEDED', model_name: 'wan2.7-t2v', gmt_create: 1_700_000_000_000, start_time: 1_700_000_001_000, end_time: 1_700_000_050_000 },
        { task_id: 'b', status: 'PENDING', gmt_create: 1_700_000_002_000, start_time: null, end_time: null },
        { status: 'RUNNING' },
      ],
      total: 12,
      total_page: 2,
      page_no: 1,
      page_size: 10,
    });
    expect(page.entries).toEqual([
      { taskId: 'a', status: 'SUCCEEDED', model: 'wan2.7-t2v', createdAtMs: 1_700_000_000_000, startedAtMs: 1_700_000_001_000, endedAtMs: 1_700_000_050_000 },
      { taskId: 'b', status: 'PENDING', createdAtMs: 1_700_000_002_000 },
    ]);
    expect(page).toMatchObject({ total: 12, totalPages: 2, pageNo: 1, pageSize: 10 });
  });
  it('reads the create reply and an error body', () => {
    expect(fromCreateReply({ output: { task_id: 'x', task_status: 'PENDING' }, request_id: 'r' })).toEqual({ taskId: 'x', status: 'PENDING' });
    expect(() => fromCreateReply({ output: {} })).toThrow(UpstreamReplyError);
    expect(fromErrorReply({ code: 'InvalidParameter', message: 'bad', request_id: 'r' })).toEqual({ code: 'InvalidParameter', message: 'bad' });
    expect(fromErrorReply('<html>')).toEqual({});
  });
});
