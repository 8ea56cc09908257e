/**
 * HTTP calls to another gateway speaking the Wan2.7 unified-entry API (the product's API contract):
 * POST /v1/videos/generations (with Idempotency-Key), GET /v1/tasks/{id}, POST /v1/tasks/{id}/cancel.
 * The base URL is operator-configured; result downloads go through the SSRF-guarded fetcher instead.
 */
import { toCataloguedReason } from '../../../domain/errors.js';
import { NetworkError, requestJson, type JsonResponse } from '../upstream/request-json.js';
import { UpstreamCallError, type UpstreamFailure } from '../upstream/upstream-call-error.js';
import type { UpstreamTaskView } from '../upstream/upstream-task.js';
import { fromRelayTask, type RelayCreateBody } from './to-relay.js';

export interface RelayApiOptions {
  baseUrl: string;
  apiKey: string;
  createTimeoutMs: number;
  queryTimeoutMs: number;
  /** The upstream honours Idempotency-Key: a 5xx or a cut create may be resent with the same key. */
  idempotentCreates: boolean;
}

export type CreateOutcome = { kind: 'accepted'; taskId: string } | { kind: 'failed'; failure: UpstreamFailure };

function errorOf(res: JsonResponse): { type?: string; message: string; reason?: string } {
  const e = (res.json as { error?: { type?: unknown; message?: unknown; reason?: unknown } } | undefined)?.error;
  return {
    ...(typeof e?.type === 'string' && { type: e.type }),
    message: typeof e?.message === 'string' ? e.message : res.text.slice(0, 200) || `HTTP ${res.status}`,
    ...(typeof e?.reason === 'string' && { reason: e.reason }),
  };
}

function retryAfterMs(res: JsonResponse): number {
  const s = Number(res.headers['retry-after']);
  return Number.isFinite(s) && s >= 0 ? Math.min(300_000, Math.max(250, s * 1000)) : 2000;
}

/** A non-2xx answer -> what it means (phase 'create' also decides whether the outcome is known). */
export function classifyRelayHttp(phase: 'create' | 'query', res: JsonResponse, idempotent: boolean): UpstreamFailure {
  const e = errorOf(res);
  const code = e.reason ?? e.type ?? `HTTP${res.status}`;
  const s = res.status;
  if (s === 429) return { kind: 'throttled', retryAfterMs: retryAfterMs(res), code, message: e.message };
  if (s === 401 || s === 402 || s === 403) return { kind: 'channel_broken', reason: s === 402 ? 'upstream_payment_required' : 'upstream_auth', code, message: e.message };
  if (s >= 400 && s < 500) {
    if (phase === 'query') return { kind: 'transient', code, message: e.message };
    // It speaks our API: a reason we catalogue passes through; any other is named in the message only.
    return { kind: 'permanent', reason: toCataloguedReason(e.reason, 'invalid_request', 'upstream_invalid_request'), code, message: e.message };
  }
  // 5xx: with a key the upstream honours, resending is safe; otherwise only its own error body proves a refusal.
  const ownBody = (res.json as { error?: unknown } | undefined)?.error !== undefined;
  if (phase === 'create' && (idempotent || !ownBody || s === 502 || s === 504)) {
    return { kind: 'unknown_outcome', code, message: `${e.message} (HTTP ${s}: the create may or may not have been accepted)` };
  }
  return { kind: 'transient', code, message: e.message };
}

export function createRelayApi(o: RelayApiOptions) {
  const root = o.baseUrl.replace(/\/+$/, '');
  const auth = { authorization: `Bearer ${o.apiKey}` };

  return {
    async create(body: RelayCreateBody, idempotencyKey: string): Promise<CreateOutcome> {
      let res: JsonResponse;
      try {
        res = await requestJson({
          method: 'POST',
          url: `${root}/v1/videos/generations`,
          headers: { ...auth, 'idempotency-key': idempotencyKey },
          body,
          timeoutMs: o.createTimeoutMs,
          keepAlive: false,
        });
      } catch (e) {
        if (!(e instanceof NetworkError)) throw e;
        return {
          kind: 'failed',
          failure: e.sent
            ? { kind: 'unknown_outcome', code: 'network', message: `${e.message} after the create was sent` }
            : { kind: 'transient', code: 'network', message: e.message },
        };
      }
      if (res.status >= 200 && res.status < 300) {
        const taskId = (res.json as { data?: { task_id?: unknown }[] } | undefined)?.data?.[0]?.task_id;
        if (typeof taskId === 'string' && taskId !== '') return { kind: 'accepted', taskId };
        return { kind: 'failed', failure: { kind: 'unknown_outcome', code: 'bad_reply', message: `the create answered ${res.status} without data[0].task_id` } };
      }
      return { kind: 'failed', failure: classifyRelayHttp('create', res, o.idempotentCreates) };
    },

    async query(taskId: string): Promise<UpstreamTaskView> {
      let res: JsonResponse;
      try {
        res = await requestJson({ method: 'GET', url: `${root}/v1/tasks/${encodeURIComponent(taskId)}`, headers: auth, timeoutMs: o.queryTimeoutMs, keepAlive: true });
      } catch (e) {
        if (e instanceof NetworkError) throw new UpstreamCallError({ kind: 'transient', code: 'network', message: e.message });
        throw e;
      }
      // An unknown id: expired on the upstream (or never visible to this key).
      if (res.status === 404) return { taskId, status: 'UNKNOWN' };
      if (res.status < 200 || res.status > 299) throw new UpstreamCallError(classifyRelayHttp('query', res, o.idempotentCreates));
      try {
        return fromRelayTask(taskId, res.json);
      } catch (e) {
        throw new UpstreamCallError({ kind: 'transient', code: 'bad_reply', message: (e as Error).message });
      }
    },

    async cancel(taskId: string): Promise<boolean> {
      try {
        const res = await requestJson({ method: 'POST', url: `${root}/v1/tasks/${encodeURIComponent(taskId)}/cancel`, headers: auth, timeoutMs: o.queryTimeoutMs, keepAlive: true });
        return res.status >= 200 && res.status < 300;
      } catch {
        return false;
      }
    },
  };
}

export type RelayApi = ReturnType<typeof createRelayApi>;
