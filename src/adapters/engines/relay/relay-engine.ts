/**
 * The relay engine: forwards each task to another gateway that speaks the same Wan2.7 unified-entry API
 * (a reseller, or another wangate), follows it through a budgeted shared poller, and copies the result at
 * once. Guarantees as the DashScope engine's: queue when full ('wait'), a query budget, the result copied
 * to our storage, no blind resubmission:
 * - each create carries `Idempotency-Key: wangate-<our task id>-<generation>`; the state (with the exact
 *   body) is saved BEFORE sending, so a resend after an unknown outcome is byte-identical;
 * - a create of unknown outcome (cut, timed out, gateway error) is resent with the same key only when the
 *   operator says the upstream honours it (RELAY_IDEMPOTENT_CREATES); otherwise the task fails and its hold
 *   is released. The upstream's task list (GET /v1/tasks) is not relied on: not every reseller has it.
 * - a new generation (new key) is used only after the previous create was refused or its task ended.
 */
import { toCataloguedReason } from '../../../domain/errors.js';
import type { Clock, Engine, EngineContext, EngineJob, EngineStep, MediaFetcher, MediaProber } from '../../../domain/ports.js';
import { collectResult } from '../upstream/collect-result.js';
import { AccountPoller } from '../upstream/account-poller.js';
import { MissingMediaUrlError } from '../upstream/require-media-url.js';
import { sleep } from '../upstream/sleep.js';
import { failedStep, quietLog, systemClock, type EngineLog } from '../upstream/step-helpers.js';
import { isOpenUpstream, type UpstreamStatus } from '../upstream/upstream-task.js';
import { createRelayApi, type RelayApi } from './relay-api.js';
import { toRelayCreate, type RelayCreateBody } from './to-relay.js';

export interface RelayEngineOptions {
  baseUrl: string;
  apiKey: string;
  maxConcurrent: number;
  queryBudgetPerSecond: number;
  fetcher: MediaFetcher;
  prober: MediaProber;
  clock?: Clock;
  createTimeoutMs?: number;
  queryTimeoutMs?: number;
  /** How long poll() waits for news before returning. Default 5 s. */
  pollWaitMs?: number;
  /** The upstream honours Idempotency-Key (see above). Default false. */
  idempotentCreates?: boolean;
  /** How long to keep resending an idempotent create of unknown outcome. Default 10 min. */
  resendForMs?: number;
  maxResultBytes?: number;
  log?: EngineLog;
  api?: RelayApi;
  /** Worker slots in this process; default maxConcurrent (0: an API-only process). */
  slots?: number;
}

export interface RelayEngine extends Engine {
  close(): void;
}

type RelayState =
  | { v: 1; engine: 'relay'; phase: 'idle'; gen: number; note?: string }
  | { v: 1; engine: 'relay'; phase: 'creating'; gen: number; key: string; body: RelayCreateBody; firstSentAtMs: number }
  | { v: 1; engine: 'relay'; phase: 'submitted'; gen: number; upstreamTaskId: string; sentAtMs: number; upstreamStatus: UpstreamStatus | 'UNSEEN' };

function decode(text: string): RelayState | undefined {
  try {
    const s = JSON.parse(text) as RelayState;
    return s && s.v === 1 && s.engine === 'relay' && typeof s.gen === 'number' ? s : undefined;
  } catch {
    return undefined;
  }
}

const encode = (s: RelayState) => JSON.stringify(s);
const channel = 'relay';

export function createRelayEngine(opts: RelayEngineOptions): RelayEngine {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? quietLog;
  const idempotent = opts.idempotentCreates ?? false;
  const pollWaitMs = opts.pollWaitMs ?? 5000;
  const resendForMs = opts.resendForMs ?? 10 * 60_000;
  const api =
    opts.api ??
    createRelayApi({ baseUrl: opts.baseUrl, apiKey: opts.apiKey, createTimeoutMs: opts.createTimeoutMs ?? 30_000, queryTimeoutMs: opts.queryTimeoutMs ?? 15_000, idempotentCreates: idempotent });
  // Single queries only (no list): every tracked task about once a second, longest-unchecked first, in budget.
  const poller = new AccountPoller({
    client: { query: (id) => api.query(id) },
    budgetPerSecond: opts.queryBudgetPerSecond,
    clock,
    onError: (err, what) => log.warn({ what, err: String(err) }, 'relay poller call failed'),
  });
  poller.start();
  let throttledUntilMs = 0;

  async function start(job: EngineJob, ctx: EngineContext, gen: number): Promise<EngineStep> {
    const now = clock.nowMs();
    if (throttledUntilMs > now) return { kind: 'wait', retryAfterMs: throttledUntilMs - now, reason: 'the relay upstream is throttling creates' };
    let body: RelayCreateBody;
    try {
      body = toRelayCreate(job.request, job.mediaUrls);
    } catch (e) {
      if (e instanceof MissingMediaUrlError) return failedStep('internal', 'missing_input', e.message, false);
      throw e;
    }
    const got = await ctx.acquireChannel([{ id: channel, max: opts.maxConcurrent }]);
    if (got === null) return { kind: 'wait', retryAfterMs: 2000, reason: 'the relay upstream is at its concurrency limit' };
    const st: Extract<RelayState, { phase: 'creating' }> = { v: 1, engine: 'relay', phase: 'creating', gen, key: `wangate-${job.taskId}-${gen}`, body, firstSentAtMs: now };
    await ctx.saveState(encode(st));
    return send(job, ctx, st);
  }

  async function send(job: EngineJob, ctx: EngineContext, st: Extract<RelayState, { phase: 'creating' }>): Promise<EngineStep> {
    for (let transient = 0; ; transient++) {
      const sentAtMs = clock.nowMs();
      const out = await api.create(st.body, st.key);
      if (out.kind === 'accepted') {
        const sub: RelayState = { v: 1, engine: 'relay', phase: 'submitted', gen: st.gen, upstreamTaskId: out.taskId, sentAtMs, upstreamStatus: 'UNSEEN' };
        await ctx.saveState(encode(sub));
        poller.track(out.taskId, sentAtMs);
        return { kind: 'running', progress: 0, state: encode(sub) };
      }
      const f = out.failure;
      if (f.kind === 'unknown_outcome') {
        if (!idempotent) {
          return failedStep(
            'upstream_unavailable',
            'upstream_create_unreconciled',
            `The create request to the relay upstream failed after it was sent (${f.message}). The upstream is not known to honour ` +
              'Idempotency-Key (RELAY_IDEMPOTENT_CREATES is off), so it was not resent: the task failed and its hold is released.',
            false,
          );
        }
        if (clock.nowMs() - st.firstSentAtMs > resendForMs) {
          return failedStep('upstream_unavailable', 'upstream_create_unreconciled', `The relay upstream never confirmed the create (${f.message})`, false);
        }
        log.warn({ taskId: job.taskId, err: f.message }, 'relay create of unknown outcome; resending with the same Idempotency-Key');
        // Running with the same "creating" state: the next poll resends it, byte-identical.
        await sleep(1000, ctx.signal);
        return { kind: 'running', progress: 0, state: encode(st) };
      }
      // Refused: nothing was created under this key; the next create uses a new one.
      if (f.kind === 'transient' && transient < 2) {
        await sleep(500 * (transient + 1), ctx.signal);
        continue;
      }
      await ctx.saveState(encode({ v: 1, engine: 'relay', phase: 'idle', gen: st.gen, note: `refused: ${f.code}` }));
      switch (f.kind) {
        case 'throttled':
          throttledUntilMs = clock.nowMs() + f.retryAfterMs;
          return { kind: 'wait', retryAfterMs: f.retryAfterMs, reason: 'the relay upstream is throttling creates' };
        case 'permanent':
          return failedStep('invalid_request', f.reason, `The relay upstream refused the request: ${f.message}${f.reason === f.code ? '' : ` (${f.code})`}`, false);
        case 'channel_broken':
          return failedStep('upstream_unavailable', f.reason, `The relay upstream refused our credentials: ${f.message}`, true);
        case 'transient':
          return failedStep('upstream_unavailable', 'upstream_error', `The relay upstream did not take the task: ${f.message}`, true);
      }
    }
  }

  async function followStep(job: EngineJob, ctx: EngineContext, st: Extract<RelayState, { phase: 'submitted' }>): Promise<EngineStep> {
    const id = st.upstreamTaskId;
    poller.track(id, st.sentAtMs);
    const news = await poller.waitForChange(id, st.upstreamStatus, pollWaitMs, ctx.signal);
    const status = news?.status ?? st.upstreamStatus;
    if (!news || isOpenUpstream(status)) {
      const progress = Math.min(99, Math.max(0, news?.view?.progress ?? 0));
      ctx.onProgress(progress);
      return { kind: 'running', progress, state: encode({ ...st, upstreamStatus: status }) };
    }
    const end = (step: EngineStep) => {
      poller.untrack(id);
      return step;
    };
    const view = news.view!;
    switch (status) {
      case 'SUCCEEDED': {
        const step = await collectResult({ job, ctx, fetcher: opts.fetcher, prober: opts.prober, maxBytes: opts.maxResultBytes ?? 2 * 1024 ** 3, view, refresh: () => poller.request(() => api.query(id)) });
        return step.kind === 'failed' && step.retryable ? step : end(step);
      }
      case 'FAILED': {
        const client = view.errorCode?.startsWith('client:') ?? false;
        const upstreamReason = client ? view.errorCode!.slice('client:'.length) : undefined;
        const reason = client ? toCataloguedReason(upstreamReason, 'invalid_request', 'upstream_invalid_request') : 'upstream_failed';
        const uncatalogued = client && reason !== upstreamReason ? ` (${upstreamReason})` : '';
        const message = `The relay upstream task ${id} failed: ${view.errorMessage ?? view.errorCode ?? 'no reason given'}${uncatalogued}`;
        // It ended: a retry is a new create under a new key.
        if (!client) await ctx.saveState(encode({ v: 1, engine: 'relay', phase: 'idle', gen: st.gen, note: `upstream task ${id} failed` }));
        return end(failedStep(client ? 'invalid_request' : 'upstream_unavailable', reason, message, !client));
      }
      case 'CANCELED':
        return end(failedStep('upstream_unavailable', 'upstream_cancelled', `The relay upstream task ${id} was cancelled upstream`, false));
      default:
        return end(failedStep('upstream_unavailable', 'upstream_task_expired', `The relay upstream no longer knows task ${id} (expired or not visible to our key)`, false));
    }
  }

  return {
    id: 'relay',
    description: `Relay to another Wan2.7 gateway at ${new URL(opts.baseUrl).host}: whatever model that gateway runs; results are copied here at once`,
    needsLocalInputs: false,
    capacity: opts.slots ?? opts.maxConcurrent,
    start: (job, ctx) => start(job, ctx, 1),
    async poll(job, state, ctx) {
      const st = decode(state);
      if (!st) return failedStep('internal', 'bad_engine_state', 'The saved relay engine state is unreadable', false);
      switch (st.phase) {
        case 'idle':
          return start(job, ctx, st.gen + 1);
        case 'creating':
          if (!idempotent) {
            return failedStep('upstream_unavailable', 'upstream_create_unreconciled', 'The worker stopped while the create to the relay upstream was in flight, and the upstream is not known to honour Idempotency-Key: the task failed and its hold is released', false);
          }
          return send(job, ctx, st);
        case 'submitted':
          return followStep(job, ctx, st);
      }
    },
    async cancel(state) {
      const st = decode(state);
      if (st?.phase === 'idle') return 'cancelled';
      if (st?.phase !== 'submitted') return 'not_cancellable';
      const ok = await poller.request(() => api.cancel(st.upstreamTaskId)).catch(() => false);
      if (ok) poller.untrack(st.upstreamTaskId);
      return ok ? 'cancelled' : 'not_cancellable';
    },
    close: () => poller.stop(),
  };
}
