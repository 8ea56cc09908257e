/**
 * A simulator of Alibaba Cloud Model Studio (DashScope) wan video synthesis, for offline tests and development.
 * Checked against the answers recorded from the live service and printed in the docs (test/fixtures/dashscope;
 * test/integration/fake-dashscope-shape.test.ts compares every endpoint and status by shape). Sources:
 * - https://www.alibabacloud.com/help/en/model-studio/text-to-video-api-reference (wan2.7-t2v: resolution, ratio,
 *   duration 2-15, task_id valid 24 h), .../image-to-video-general-api-reference (wan2.7-i2v input.media) and
 *   .../wan-image-to-video-guide (media combinations; a 2 s clip continued by 10 s gives a 12 s output)
 * - https://www.alibabacloud.com/help/en/model-studio/manage-asynchronous-tasks (query / batch list / cancel;
 *   20 QPS per Alibaba Cloud account shared by its keys; other accounts' tasks are not visible; 24 h retention)
 * - https://www.alibabacloud.com/help/en/model-studio/error-code (InvalidParameter, DataInspectionFailed,
 *   Arrearage, InvalidApiKey, UnsupportedOperation, Throttling*, InternalError, BadRequest.Empty*)
 * As recorded: create answers 200 PENDING for any body the gateway can route, and bad input (missing media, a
 * bad parameter, an undownloadable URL: here any host under `.invalid`) fails on the first poll, invalidFailMs
 * (0.1 s) later, with InvalidParameter; only a bad or missing key (401), a missing X-DashScope-Async (403
 * AccessDenied), an unknown model ("Model not exist.", 404 or 400), a missing model or input, arrears (400) and
 * moderation (400 DataInspectionFailed) answer at create. Unknown, expired and other accounts' task ids query
 * as HTTP 200 UNKNOWN; cancel works only while PENDING (else 400 UnsupportedOperation) and answers only
 * request_id. Task times are UTC+8 strings without an offset, list times epoch ms (a time not reached yet is
 * left out); usage has SR as a number and fps 30; video_url expires 24 h after end_time. Where the samples
 * disagree, `variants` picks the form (usage numbers as 10, 10.0 or 10.04; fps present or not; "Model not
 * exist." as 404 or 400; actual_prompt, which no wan2.5+ answer shows).
 * Assumed, not recorded (documentation only):
 * - Check order: key (401), async header (403), arrears (400 Arrearage; create only, queries still work), model
 *   and input presence, moderation (prompt or negative_prompt containing FORBIDDEN_CONTENT), then the task's own
 *   checks. Create faults are drawn only for valid creates.
 * - wan2.7 rejects parameters.size, wan2.7-i2v rejects parameters.ratio and input.audio_url, wan2.6-t2v (older
 *   protocol) takes parameters.size from the documented list and rejects resolution/ratio; duration is an integer
 *   2-15 for all three. Resolution must be upper case ("720P").
 * - The fake never downloads media: a first_clip lasts 2 s unless its URL carries `fake_duration=N`. For
 *   first_clip, parameters.duration is the generated part: output and usage.duration = clip + duration.
 * - A query in PENDING or CANCELED (never captured) carries submit_time (and scheduled_time / end_time once due).
 * - video_url is signed when the task ends (403 XML AccessDenied "Request has expired." after it expires; a bad
 *   signature is 403 SignatureDoesNotMatch).
 * - The batch list is newest first; page_size at most 100; start_time/end_time accept YYYYMMDDhhmmss (UTC+8) or
 *   epoch ms and filter on gmt_create; no bound means every retained task.
 * - The query budget counts task queries and list calls (not creates, cancels or downloads) on real time, whatever
 *   `nowMs` says; a throttled request does not use budget. stats.throttled counts every 429 (query limit and the
 *   create throttle fault). An unknown path answers 400 InvalidURL.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type FakeDashscope, type FakeDashscopeFaults, type FakeDashscopeOptions, type FakeDashscopeVariants, NO_FAULTS, RECORDED_VARIANTS,
} from './fake-dashscope-options.js';
import {
  CREATE_CONTENT_TYPE, ossError, readBody, renderColourMp4, requestId, seededRandom, sendError, sendJson, SlidingWindows, TASKS_CONTENT_TYPE, UrlSigner,
} from './support.js';
import {
  endAtMs, endedAtMs, type FakeTask, INTERNAL_ERROR_MESSAGE, isExpired, listPage, outputSeconds, parseListQuery, queryBody,
  statusAt, type Timing,
} from './task-view.js';
import { validateCreateBody } from './validate-create.js';

export type { FakeDashscope, FakeDashscopeFaults, FakeDashscopeOptions, FakeDashscopeVariants };
export { NO_FAULTS, RECORDED_VARIANTS };

const DAY_MS = 24 * 3600 * 1000;
const CREATE_PATH = '/api/v1/services/aigc/video-generation/video-synthesis';
interface Caller { account: string; arrears: boolean; apiKeyId: string; missingModels: string[] }

export async function startFakeDashscope(opts: FakeDashscopeOptions): Promise<FakeDashscope> {
  const now = opts.nowMs ?? Date.now;
  const timing: Timing = {
    pendingMs: opts.pendingMs ?? 1000, runningMs: opts.runningMs ?? 3000, taskExpiryMs: opts.taskExpiryMs ?? DAY_MS, invalidFailMs: opts.invalidFailMs ?? 100,
  };
  let variants: FakeDashscopeVariants = { ...RECORDED_VARIANTS, ...opts.variants };
  const urlTtlMs = opts.resultUrlTtlMs ?? DAY_MS;
  const queryLimit = opts.queryLimitPerSecond ?? 20;
  let faults: FakeDashscopeFaults = { ...NO_FAULTS, ...opts.faults };
  let random = seededRandom(faults.seed);
  /** Draws every die of a request kind, always in the same order, so a seed replays the same faults. */
  const roll = <K extends keyof FakeDashscopeFaults>(kinds: K[]): Record<K, boolean> =>
    Object.fromEntries(kinds.map((k) => [k, random() < faults[k]])) as Record<K, boolean>;
  const callers = new Map<string, Caller>(
    opts.keys.map((k, i) => [k.key, { account: k.account, arrears: k.arrears === true, apiKeyId: String(10001 + i), missingModels: k.missingModels ?? [] }]),
  );
  const store = new Map<string, FakeTask>();
  const renders = new Map<string, Promise<string>>();
  const windows = new SlidingWindows();
  const signer = new UrlSigner(randomBytes(16).toString('hex'));
  const dir = await mkdtemp(path.join(tmpdir(), 'fake-dashscope-'));
  const counters = { createCalls: 0, tasksCreated: 0, queries: 0, listCalls: 0, throttled: 0, cancels: 0, downloads: 0 };
  let base = '';

  const authenticate = (req: IncomingMessage, res: ServerResponse, contentType = TASKS_CONTENT_TYPE): Caller | undefined => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!m) return void sendError(res, 401, 'InvalidApiKey', 'No API-key provided.', contentType);
    const caller = callers.get(m[1]!);
    if (!caller) return void sendError(res, 401, 'InvalidApiKey', 'Invalid API-key provided.', contentType);
    return caller;
  };

  /** Per-account query budget and the query faults; false when the request was already answered. */
  const admitQuery = (req: IncomingMessage, res: ServerResponse, caller: Caller): boolean => {
    if (!windows.tryAdmit(caller.account, queryLimit, Date.now())) {
      counters.throttled++;
      sendError(res, 429, 'Throttling.RateQuota', 'Requests rate limit exceeded, please try again later.');
      return false;
    }
    const f = roll(['queryError500', 'queryCut']);
    if (f.queryCut) {
      req.socket.destroy();
      return false;
    }
    if (f.queryError500) {
      sendError(res, 500, 'InternalError', INTERNAL_ERROR_MESSAGE);
      return false;
    }
    return true;
  };

  const ownLiveTask = (caller: Caller, taskId: string): FakeTask | undefined => {
    const task = store.get(taskId);
    return task && task.account === caller.account && !isExpired(task, now(), timing) ? task : undefined;
  };

  const renderOnce = (task: FakeTask): Promise<string> => {
    let p = renders.get(task.taskId);
    if (!p) {
      const out = path.join(dir, `${task.taskId}.mp4`);
      const a = task.accepted;
      if (!a) return Promise.reject(new Error(`task ${task.taskId} has no result`));
      const job = opts.render
        ? opts.render({ model: a.model, input: a.input, parameters: a.parameters }, out)
        : renderColourMp4(outputSeconds(a), task.taskId, out);
      p = job.then(() => out);
      p.catch(() => renders.delete(task.taskId));
      renders.set(task.taskId, p);
    }
    return p;
  };

  /** Signs the result URL the first time the task is seen SUCCEEDED, and starts rendering it. */
  const settle = (task: FakeTask): void => {
    if (task.videoUrl !== null || statusAt(task, now(), timing) !== 'SUCCEEDED') return;
    task.urlExpiresAtMs = endAtMs(task, timing) + urlTtlMs;
    task.videoUrl = signer.url(base, task.taskId, task.urlExpiresAtMs);
    renderOnce(task).catch(() => undefined);
  };

  const create = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    counters.createCalls++;
    const raw = await readBody(req);
    const refuse = (status: number, code: string, message: string) => sendError(res, status, code, message, CREATE_CONTENT_TYPE);
    const caller = authenticate(req, res, CREATE_CONTENT_TYPE);
    if (!caller) return;
    if ((req.headers['x-dashscope-async'] ?? '').toString().toLowerCase() !== 'enable') {
      return refuse(403, 'AccessDenied', 'current user api does not support synchronous calls');
    }
    if (caller.arrears) return refuse(400, 'Arrearage', 'Access denied, please make sure your account is in good standing.');
    if (raw === null) return refuse(400, 'InvalidParameter', 'The request body is too large.');
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return refuse(400, 'InvalidParameter', 'The request body is not valid JSON.');
    }
    const model = (body as { model?: unknown } | null)?.model;
    // A region without the model answers as it does for any model it does not know.
    if (typeof model === 'string' && caller.missingModels.some((m) => model === m || model.startsWith(`${m}-`))) {
      return refuse(variants.modelNotFoundStatus, 'InvalidParameter', 'Model not exist.');
    }
    const checked = validateCreateBody(body, variants);
    if (!checked.ok && !checked.atFirstPoll) return refuse(checked.status, checked.code, checked.message);
    const input = (body as { input?: Record<string, unknown> }).input;
    const texts = [input?.prompt, input?.negative_prompt].filter((t): t is string => typeof t === 'string');
    if (texts.some((t) => t.includes('FORBIDDEN_CONTENT'))) return refuse(400, 'DataInspectionFailed', 'Input data may contain inappropriate content.');
    // Faults hit valid creates only: bad input is answered like the service does, PENDING then FAILED.
    const f = checked.ok
      ? roll(['createCutBeforeAccept', 'createError500', 'createThrottle429', 'createCutAfterAccept', 'createHangAfterAccept', 'taskFailure'])
      : undefined;
    if (f?.createCutBeforeAccept) return void req.socket.destroy();
    if (f?.createError500) return refuse(500, 'InternalError', INTERNAL_ERROR_MESSAGE);
    if (f?.createThrottle429) {
      counters.throttled++;
      return refuse(429, 'Throttling', 'Requests throttling triggered.');
    }
    const createRequestId = requestId();
    const task: FakeTask = {
      taskId: randomUUID(), account: caller.account, apiKeyId: caller.apiKeyId, createRequestId, model: checked.model, prompt: checked.prompt,
      accepted: checked.ok ? checked : null, rejection: checked.ok ? null : { code: checked.code, message: checked.message }, body,
      createdAtMs: now(), willFail: f?.taskFailure === true, canceledAtMs: null, videoUrl: null, urlExpiresAtMs: null,
    };
    if (opts.runningMsFor) task.runningMs = Math.max(0, opts.runningMsFor({ prompt: task.prompt, createdAtMs: task.createdAtMs }));
    store.set(task.taskId, task);
    counters.tasksCreated++;
    if (f?.createCutAfterAccept) return void req.socket.destroy();
    if (f?.createHangAfterAccept) return; // never answered; close() drops the connection
    sendJson(res, 200, { output: { task_id: task.taskId, task_status: 'PENDING' }, request_id: createRequestId }, CREATE_CONTENT_TYPE);
  };

  const query = (req: IncomingMessage, res: ServerResponse, taskId: string): void => {
    counters.queries++;
    const caller = authenticate(req, res);
    if (!caller || !admitQuery(req, res, caller)) return;
    const task = ownLiveTask(caller, taskId);
    if (!task) return sendJson(res, 200, { request_id: requestId(), output: { task_id: taskId, task_status: 'UNKNOWN' } });
    settle(task);
    if (task.endSeenAtMs === undefined && endedAtMs(task, now(), timing) !== null) task.endSeenAtMs = now();
    sendJson(res, 200, queryBody(task, now(), timing, variants, requestId()));
  };

  const list = (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    counters.listCalls++;
    const caller = authenticate(req, res);
    if (!caller || !admitQuery(req, res, caller)) return;
    const q = parseListQuery(url.searchParams);
    if (typeof q === 'string') return sendError(res, 400, 'InvalidParameter', q);
    const own = [...store.values()].filter((t) => t.account === caller.account);
    sendJson(res, 200, { request_id: requestId(), ...listPage(own, q, now(), timing) });
  };

  const cancel = (req: IncomingMessage, res: ServerResponse, taskId: string): void => {
    counters.cancels++;
    const caller = authenticate(req, res);
    if (!caller) return;
    const task = ownLiveTask(caller, taskId);
    if (!task || statusAt(task, now(), timing) !== 'PENDING') {
      return sendError(res, 400, 'UnsupportedOperation', 'Failed to cancel the task, please confirm if the task is in PENDING status.');
    }
    task.canceledAtMs = now();
    sendJson(res, 200, { request_id: requestId() });
  };

  const download = async (req: IncomingMessage, res: ServerResponse, taskId: string, url: URL): Promise<void> => {
    const requestId = randomUUID().replace(/-/g, '').toUpperCase().slice(0, 24);
    const xml = (status: number, code: string, message: string) => {
      res.writeHead(status, { 'content-type': 'application/xml', 'x-oss-request-id': requestId });
      res.end(ossError(code, message, requestId));
    };
    if (!signer.verify(taskId, url.searchParams.get('Expires'), url.searchParams.get('Signature'))) {
      return xml(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    }
    const task = store.get(taskId);
    if (!task || task.urlExpiresAtMs === null) return xml(404, 'NoSuchKey', 'The specified key does not exist.');
    if (now() >= task.urlExpiresAtMs) return xml(403, 'AccessDenied', 'Request has expired.');
    let file: string;
    try {
      file = await renderOnce(task);
    } catch {
      return xml(500, 'InternalError', 'We encountered an internal error. Please try again.');
    }
    const { size } = await stat(file);
    res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': size, 'x-oss-request-id': requestId });
    if (req.method === 'HEAD') return void res.end();
    counters.downloads++;
    createReadStream(file).pipe(res);
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const p = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    let m: RegExpExecArray | null;
    if (method === 'POST' && p === CREATE_PATH) return create(req, res);
    if (method === 'GET' && p === '/api/v1/tasks') return list(req, res, url);
    if (method === 'GET' && (m = /^\/api\/v1\/tasks\/([^/]+)$/.exec(p))) return query(req, res, decodeURIComponent(m[1]!));
    if (method === 'POST' && (m = /^\/api\/v1\/tasks\/([^/]+)\/cancel$/.exec(p))) return cancel(req, res, decodeURIComponent(m[1]!));
    if ((method === 'GET' || method === 'HEAD') && (m = /^\/oss\/([^/]+)\.mp4$/.exec(p))) return download(req, res, m[1]!, url);
    sendError(res, 400, 'InvalidURL', 'Invalid URL provided in your request.');
  };

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'InternalError', `${INTERNAL_ERROR_MESSAGE} (${String(err)})`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  base = `http://${host}:${address.port}`;

  return {
    url: base,
    async close() {
      await Promise.all([
        new Promise<void>((resolve) => server.close(() => resolve())),
        Promise.resolve().then(() => server.closeAllConnections()),
      ]);
      await Promise.allSettled([...renders.values()]);
      await rm(dir, { recursive: true, force: true });
    },
    setFaults(f) {
      faults = { ...faults, ...f };
      if (f.seed !== undefined) random = seededRandom(f.seed);
    },
    setVariants(v) {
      variants = { ...variants, ...v };
    },
    stats: () => ({ ...counters, maxQueriesInOneSecond: { ...windows.maxInOneSecond } }),
    tasks: () =>
      [...store.values()].map((t) => ({
        taskId: t.taskId,
        account: t.account,
        model: t.model,
        status: isExpired(t, now(), timing) ? 'UNKNOWN' : statusAt(t, now(), timing),
        prompt: t.prompt,
        createdAtMs: t.createdAtMs,
        endedAtMs: endedAtMs(t, now(), timing),
        endSeenAtMs: t.endSeenAtMs ?? null,
      })),
    createBody: (taskId) => store.get(taskId)?.body,
  };
}
