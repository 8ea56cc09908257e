/**
 * The DashScope HTTP calls: create (async), query, batch list, cancel. Every failure is thrown as an
 * UpstreamCallError carrying its classification (errors.ts).
 *
 * Sources (read 2026-06):
 * - create: https://www.alibabacloud.com/help/en/model-studio/text-to-video-api-reference and
 *   https://www.alibabacloud.com/help/en/model-studio/image-to-video-general-api-reference
 *   (POST {base}/api/v1/services/aigc/video-generation/video-synthesis, header X-DashScope-Async: enable)
 * - query / list / cancel: https://www.alibabacloud.com/help/en/model-studio/manage-asynchronous-tasks
 *   (GET {base}/api/v1/tasks/{id}; GET {base}/api/v1/tasks?start_time&end_time&model_name&status&page_no&page_size,
 *   times "YYYYMMDDhhmmss"; POST {base}/api/v1/tasks/{id}/cancel, PENDING tasks only)
 * - errors: https://www.alibabacloud.com/help/en/model-studio/developer-reference/error-code
 */
import { NetworkError, requestJson, type JsonResponse } from '../upstream/request-json.js';
import { UpstreamCallError } from '../upstream/upstream-call-error.js';
import type { ListParams, UpstreamListPage, UpstreamStatus, UpstreamTaskView } from '../upstream/upstream-task.js';
import { classifyHttpError, classifyNetworkError, type Phase } from './errors.js';
import { formatListTime, fromCreateReply, fromErrorReply, fromListReply, fromQueryReply, unreadableTaskView } from './from-upstream.js';
import type { UpstreamCreateBody } from './to-upstream.js';

export interface ChannelAuth {
  baseUrl: string;
  apiKey: string;
}

export interface DashscopeApi {
  create(ch: ChannelAuth, body: UpstreamCreateBody, signal?: AbortSignal): Promise<{ taskId: string; status: UpstreamStatus }>;
  query(ch: ChannelAuth, taskId: string): Promise<UpstreamTaskView>;
  list(ch: ChannelAuth, params: ListParams): Promise<UpstreamListPage>;
  cancel(ch: ChannelAuth, taskId: string): Promise<void>;
}

export interface DashscopeApiOptions {
  createTimeoutMs: number;
  queryTimeoutMs: number;
  /** A 429 without Retry-After pauses its channel this long. Default 2 s. */
  throttleMs?: number;
}

/** "https://host", "https://host/", "https://host/api/v1" all name the same API root. */
export function apiRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/api\/v1$/, '') + '/api/v1';
}

/** Answers in a row about one task that could not be read before the task is given up as FAILED (a glitch passes, a loop does not). */
export const maxUnreadableReplies = 3;

/** The start of a body, for messages about a reply we could not read. */
function excerpt(res: JsonResponse): string {
  const text = res.text.replace(/\s+/g, ' ').trim();
  return text === '' ? 'an empty body' : JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}

function failureOf(phase: Phase, res: JsonResponse, throttleMs?: number): UpstreamCallError {
  const { code, message } = fromErrorReply(res.json);
  const retryAfter = res.headers['retry-after'];
  return new UpstreamCallError(
    classifyHttpError(phase, {
      httpStatus: res.status,
      ...(code !== undefined && { code }),
      message: message ?? (res.text.slice(0, 200) || `HTTP ${res.status}`),
      ...(typeof retryAfter === 'string' && { retryAfter }),
    }, Date.now(), throttleMs),
  );
}

function rethrow(phase: Phase, err: unknown): never {
  if (err instanceof UpstreamCallError) throw err;
  if (err instanceof NetworkError) throw new UpstreamCallError(classifyNetworkError(phase, err.sent, err.message));
  throw err;
}

export function createDashscopeApi(opts: DashscopeApiOptions): DashscopeApi {
  const auth = (ch: ChannelAuth) => ({ authorization: `Bearer ${ch.apiKey}` });
  /** Per channel root and task id: unreadable query answers in a row. */
  const unreadable = new Map<string, number>();

  async function call(phase: Phase, ch: ChannelAuth, method: 'GET' | 'POST', path: string, extra: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {}) {
    try {
      const res = await requestJson({
        method,
        url: apiRoot(ch.baseUrl) + path,
        headers: { ...auth(ch), ...extra.headers },
        ...(extra.body !== undefined && { body: extra.body }),
        timeoutMs: phase === 'create' ? opts.createTimeoutMs : opts.queryTimeoutMs,
        keepAlive: phase !== 'create',
        ...(extra.signal && { signal: extra.signal }),
      });
      if (res.status < 200 || res.status > 299) throw failureOf(phase, res, opts.throttleMs);
      return res;
    } catch (err) {
      rethrow(phase, err);
    }
  }

  return {
    async create(ch, body, signal) {
      const res = await call('create', ch, 'POST', '/services/aigc/video-generation/video-synthesis', {
        body,
        headers: { 'X-DashScope-Async': 'enable' },
        ...(signal && { signal }),
      });
      try {
        return fromCreateReply(res.json);
      } catch (e) {
        // A 2xx carrying the error envelope and no task is the refusal it names (not seen recorded; claimed by some clients).
        const refusal = fromErrorReply(res.json);
        if (refusal.code) throw new UpstreamCallError(classifyHttpError('create', { httpStatus: 400, ...refusal }));
        // A 2xx whose task id we cannot read: the upstream may well have accepted it.
        throw new UpstreamCallError({ kind: 'unknown_outcome', code: 'bad_reply', message: `the create answered ${res.status} but ${(e as Error).message}: ${excerpt(res)}` });
      }
    },

    async query(ch, taskId) {
      const res = await call('query', ch, 'GET', `/tasks/${encodeURIComponent(taskId)}`);
      const key = `${apiRoot(ch.baseUrl)} ${taskId}`;
      try {
        const view = fromQueryReply(res.json);
        unreadable.delete(key);
        return view;
      } catch (e) {
        const why = `the task query answered HTTP ${res.status} but ${(e as Error).message}: ${excerpt(res)}`;
        const count = (unreadable.get(key) ?? 0) + 1;
        if (count >= maxUnreadableReplies) {
          unreadable.delete(key);
          return unreadableTaskView(taskId, `${why} (${count} answers in a row)`);
        }
        if (unreadable.size > 10_000) unreadable.clear();
        unreadable.set(key, count);
        throw new UpstreamCallError({ kind: 'transient', code: 'bad_reply', message: why });
      }
    },

    async list(ch, p) {
      const q = new URLSearchParams({ page_no: String(p.pageNo), page_size: String(p.pageSize) });
      // The filter has one-second resolution: widen outwards so no edge task is lost.
      if (p.startMs !== undefined) q.set('start_time', formatListTime(Math.floor(p.startMs / 1000) * 1000));
      if (p.endMs !== undefined) q.set('end_time', formatListTime(Math.ceil(p.endMs / 1000) * 1000));
      if (p.status) q.set('status', p.status);
      if (p.modelName) q.set('model_name', p.modelName);
      const res = await call('list', ch, 'GET', `/tasks?${q.toString()}`);
      try {
        return fromListReply(res.json);
      } catch (e) {
        throw new UpstreamCallError({ kind: 'transient', code: 'bad_reply', message: (e as Error).message });
      }
    },

    async cancel(ch, taskId) {
      await call('cancel', ch, 'POST', `/tasks/${encodeURIComponent(taskId)}/cancel`);
    },
  };
}
