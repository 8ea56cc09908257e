/**
 * The DashScope engine's HTTP client and the engine itself against a 127.0.0.1 server that replays the
 * recorded answers (test/fixtures/dashscope) byte for byte, with their recorded status and content type.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDashscopeApi, maxUnreadableReplies, type ChannelAuth } from '../../src/adapters/engines/dashscope/api.js';
import { UpstreamCallError } from '../../src/adapters/engines/upstream/upstream-call-error.js';
import { createDashscopeEngine, type DashscopeEngine } from '../../src/adapters/engines/dashscope/dashscope-engine.js';
import { createFfprobeProber } from '../../src/adapters/media/probe.js';
import { createSafeFetcher } from '../../src/adapters/media/safe-fetch.js';
import { baseRequest } from '../contract/engine-contract.js';
import { runToEnd } from '../contract/engine-driver.js';
import { reportedFirstPollFailures, sample, statusOf, wireBody, wireSamples, type RecordedSample } from '../fixtures/dashscope/recorded.js';

interface Reply {
  status: number;
  contentType: string;
  text: string;
}

/** A recorded sample as the wire carries it: JSON text verbatim where it was recorded as JSON. */
function replyOf(s: RecordedSample): Reply {
  const text = s.format === 'json' ? s.body : JSON.stringify(wireBody(s));
  const recordedType = s.format === 'js-literal' ? undefined : /^content-type:\s*(.+)$/im.exec(s.head ?? '')?.[1]?.trim();
  return { status: statusOf(s) ?? 200, contentType: recordedType ?? 'application/json', text };
}

/** Answers each route with the next reply queued for it (the last one repeats). */
class ReplayServer {
  readonly replies = new Map<string, Reply[]>();
  readonly hits: string[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const route = `${req.method} ${(req.url ?? '').replace(/\?.*$/, '').replace(/^\/api\/v1\/tasks\/[^/]+/, '/api/v1/tasks/{id}')}`;
      this.hits.push(route);
      req.resume().on('end', () => {
        const queue = this.replies.get(route) ?? [];
        const reply = queue.length > 1 ? queue.shift()! : queue[0];
        if (!reply) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(reply.status, { 'content-type': reply.contentType });
        res.end(reply.text);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  serve(route: string, ...replies: Reply[]): void {
    this.replies.set(route, replies);
  }

  count(route: string): number {
    return this.hits.filter((h) => h === route).length;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const CREATE = 'POST /api/v1/services/aigc/video-generation/video-synthesis';
const QUERY = 'GET /api/v1/tasks/{id}';
const replay = new ReplayServer();
let ch: ChannelAuth;
const api = createDashscopeApi({ createTimeoutMs: 5000, queryTimeoutMs: 5000 });
const engines: DashscopeEngine[] = [];

beforeAll(async () => {
  await replay.start();
  ch = { baseUrl: replay.url, apiKey: 'sk-replay' };
});
afterAll(() => replay.close());
afterEach(() => {
  for (const e of engines.splice(0)) e.close();
  replay.replies.clear();
  replay.hits.length = 0;
});

async function failureOf(call: Promise<unknown>) {
  const err = await call.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(UpstreamCallError);
  return (err as UpstreamCallError).failure;
}

describe('the DashScope client on recorded answers', () => {
  it('reads the task id of every recorded create 200, whatever the form it was printed in', async () => {
    for (const s of wireSamples('create').filter((x) => statusOf(x) === 200)) {
      replay.serve(CREATE, replyOf(s));
      const created = await api.create(ch, { model: 'wan2.7-t2v', input: { prompt: 'p' }, parameters: { resolution: '720P', duration: 5, prompt_extend: false, watermark: false, seed: 1 } });
      expect(created, s.id).toEqual({ taskId: (wireBody(s) as { output: { task_id: string } }).output.task_id, status: 'PENDING' });
    }
  });

  it('turns every recorded create error into its verdict, with the upstream code and message, never a crash', async () => {
    const errors = wireSamples('create').filter((x) => statusOf(x) !== 200);
    expect(errors).toHaveLength(10);
    for (const s of errors) {
      replay.serve(CREATE, { ...replyOf(s), status: statusOf(s) ?? 401 });
      const f = await failureOf(api.create(ch, { model: 'wan2.7-t2v', input: { prompt: 'p' }, parameters: { resolution: '720P', duration: 5, prompt_extend: false, watermark: false, seed: 1 } }));
      const body = wireBody(s) as { code: string; message: string };
      // The upstream's message comes first, whole; a media download failure adds our hint after it.
      expect(f, s.id).toMatchObject({ code: body.code, message: expect.stringMatching(new RegExp(`^${body.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)) });
      expect(['permanent', 'channel_broken'], s.id).toContain(f.kind);
    }
  });

  it('reads every recorded task query; an answer that is no video task fails after a few tries instead of a retry loop', async () => {
    for (const s of wireSamples('query').filter((x) => x.id !== 'query-succeeded-image-2024-03-01')) {
      replay.serve(QUERY, replyOf(s));
      const view = await api.query(ch, 'any');
      expect(view.status, s.id).toBe((wireBody(s) as { output: { task_status: string } }).output.task_status);
    }
    replay.serve(QUERY, replyOf(sample('query-succeeded-image-2024-03-01')));
    for (let i = 1; i < maxUnreadableReplies; i++) expect(await failureOf(api.query(ch, 'img'))).toMatchObject({ kind: 'transient', code: 'bad_reply' });
    const given = await api.query(ch, 'img');
    expect(given).toMatchObject({ taskId: 'img', status: 'FAILED', errorCode: 'bad_reply', errorMessage: expect.stringContaining('SUCCEEDED but has no output.video_url') });
  });

  it('reads the recorded list pages; cancel resolves on the bare request_id and reports UnsupportedOperation otherwise', async () => {
    for (const s of wireSamples('list')) {
      replay.serve('GET /api/v1/tasks', replyOf(s));
      const page = await api.list(ch, { pageNo: 1, pageSize: 10 });
      expect(page.entries.map((e) => e.taskId), s.id).toEqual((wireBody(s) as { data: { task_id: string }[] }).data.map((d) => d.task_id));
    }
    replay.serve('POST /api/v1/tasks/{id}/cancel', replyOf(sample('cancel-200-doc')));
    await expect(api.cancel(ch, 't')).resolves.toBeUndefined();
    replay.serve('POST /api/v1/tasks/{id}/cancel', replyOf(sample('cancel-400-finished-2024-03-01')));
    expect(await failureOf(api.cancel(ch, 't'))).toMatchObject({ code: 'UnsupportedOperation' });
  });
});

describe('the DashScope engine on recorded answers', () => {
  function engine(): DashscopeEngine {
    const e = createDashscopeEngine({
      channels: [{ id: 'main', baseUrl: replay.url, apiKey: 'sk-replay', maxConcurrent: 1, priority: 0, weight: 1 }],
      queryBudgetPerSecond: 20,
      fetcher: createSafeFetcher({ allowLoopback: true, timeoutMs: 5000, maxRedirects: 0 }),
      prober: createFfprobeProber(),
      pollWaitMs: 300,
      poller: { recheckMs: 50 },
    });
    engines.push(e);
    return e;
  }
  const job = (taskId: string) => ({ taskId, request: baseRequest({}), inputs: {}, mediaUrls: {}, outputPath: '/nonexistent/out.mp4' });

  it('create-then-fail: the first poll\'s FAILED (bad input) fails the task for good with the upstream message, after one create', async () => {
    const failed = wireBody(sample('query-failed-doc')) as { output: Record<string, string> };
    const reported = reportedFirstPollFailures[0]!;
    replay.serve(CREATE, replyOf(sample('create-200-ts-file-2026-04-21')));
    replay.serve(QUERY, { status: 200, contentType: 'application/json;charset=UTF-8', text: JSON.stringify({ ...failed, output: { ...failed.output, code: reported.code, message: reported.message } }) });
    const { step } = await runToEnd(engine(), job('task_create_then_fail'));
    expect(step).toMatchObject({ kind: 'failed', retryable: false, error: { code: 'invalid_request', reason: 'upstream_invalid_parameter', message: expect.stringContaining('Field required: input.media') } });
    expect(replay.count(CREATE)).toBe(1);
  });

  it('an answer it cannot map (the image task\'s results[] without a video_url) fails the task with a clear message, not a crash or a loop', async () => {
    replay.serve(CREATE, replyOf(sample('create-200-ts-file-2026-04-21')));
    replay.serve(QUERY, replyOf(sample('query-running-image-2024-03-01')), replyOf(sample('query-succeeded-image-2024-03-01')));
    const { step } = await runToEnd(engine(), job('task_unmappable'));
    expect(step).toMatchObject({
      kind: 'failed',
      retryable: false,
      error: { code: 'upstream_unavailable', reason: 'bad_upstream_reply', message: expect.stringContaining('SUCCEEDED but has no output.video_url') },
    });
    expect(replay.count(CREATE)).toBe(1);
    expect(replay.count(QUERY)).toBe(1 + maxUnreadableReplies);
  });
});
