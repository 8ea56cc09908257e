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
 * The flow: create-step.ts -> follow-step.ts (the shared upstream/follow-upstream-task.ts) ->
 * upstream/collect-result.ts; this file wires them to the poller and reads the saved state (relay-state.ts).
 */
import type { Clock, MediaFetcher, MediaProber } from '../../../domain/ports.js';
import { PollerSet, type UpstreamEngine } from '../upstream/poller-set.js';
import { failedStep, quietLog, systemClock, type EngineLog } from '../upstream/step-helpers.js';
import { countCall, outcomeOf, type UpstreamCallCounter } from '../upstream/count-calls.js';
import { createStep, sendCreate } from './create-step.js';
import type { RelayDeps } from './relay-deps.js';
import { followStep } from './follow-step.js';
import { createRelayApi, type RelayApi } from './relay-api.js';
import { decodeRelayState } from './relay-state.js';

export interface RelayEngineOptions {
  baseUrl: string;
  apiKey: string;
  maxConcurrent: number;
  queryBudgetPerSecond: number;
  fetcher: MediaFetcher;
  prober: MediaProber;
  clock?: Clock;
  createTimeoutMs?: number;
  /** A create waits this long before trying again while the upstream is at maxConcurrent. Default 2 s. */
  createRetryMs?: number;
  /** Each tracked task is queried at most this often. Default 1 s. */
  recheckMs?: number;
  queryTimeoutMs?: number;
  /** How long poll() waits for news before returning. Default 5 s. */
  pollWaitMs?: number;
  /** The upstream honours Idempotency-Key (see above). Default false. */
  idempotentCreates?: boolean;
  /** How long to keep resending an idempotent create of unknown outcome. Default 10 min. */
  resendForMs?: number;
  maxResultBytes?: number;
  log?: EngineLog;
  /** Counts each call (metrics); the account is the upstream's host. */
  onUpstreamCall?: UpstreamCallCounter;
  api?: RelayApi;
  /** Worker slots in this process; default maxConcurrent (0: an API-only process). */
  slots?: number;
  /** The poller runs only when stepped (stepPollers), on the given clock: tests. Default false. */
  steppedPollers?: boolean;
}

export type RelayEngine = UpstreamEngine;

/** The API with every call counted (a create answers its failures instead of throwing them). */
function countedRelayApi(api: RelayApi, count: UpstreamCallCounter, account: string): RelayApi {
  return {
    async create(body, idempotencyKey) {
      let outcome: Awaited<ReturnType<RelayApi['create']>>;
      try {
        outcome = await api.create(body, idempotencyKey);
      } catch (e) {
        count(account, 'error');
        throw e;
      }
      count(account, outcome.kind === 'failed' ? outcomeOf(outcome.failure) : 'ok');
      return outcome;
    },
    query: (taskId) => countCall(count, account, () => api.query(taskId)),
    async cancel(taskId) {
      const ok = await api.cancel(taskId);
      count(account, ok ? 'ok' : 'error');
      return ok;
    },
  };
}

export function createRelayEngine(opts: RelayEngineOptions): RelayEngine {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? quietLog;
  const idempotent = opts.idempotentCreates ?? false;
  const rawApi =
    opts.api ??
    createRelayApi({ baseUrl: opts.baseUrl, apiKey: opts.apiKey, createTimeoutMs: opts.createTimeoutMs ?? 30_000, queryTimeoutMs: opts.queryTimeoutMs ?? 15_000, idempotentCreates: idempotent });
  const api = opts.onUpstreamCall ? countedRelayApi(rawApi, opts.onUpstreamCall, new URL(opts.baseUrl).host) : rawApi;
  const pollers = new PollerSet(opts.steppedPollers ?? false);
  // Single queries only (no list): every tracked task about once a second, longest-unchecked first, in budget.
  const poller = pollers.add('relay', {
    ...(opts.recheckMs !== undefined && { recheckMs: opts.recheckMs }),
    client: { query: (id) => api.query(id) },
    budgetPerSecond: opts.queryBudgetPerSecond,
    clock,
    onError: (err, what) => log.warn({ what, err: String(err) }, 'relay poller call failed'),
  });
  const d: RelayDeps = {
    clock,
    log,
    api,
    poller,
    fetcher: opts.fetcher,
    prober: opts.prober,
    maxConcurrent: opts.maxConcurrent,
    createRetryMs: opts.createRetryMs ?? 2000,
    idempotent,
    resendForMs: opts.resendForMs ?? 10 * 60_000,
    pollWaitMs: opts.pollWaitMs ?? 5000,
    maxResultBytes: opts.maxResultBytes ?? 2 * 1024 ** 3,
    throttle: { untilMs: 0 },
  };

  return {
    id: 'relay',
    description: `Relay to another Wan2.7 gateway at ${new URL(opts.baseUrl).host}: whatever model that gateway runs; results are copied here at once`,
    needsLocalInputs: false,
    capacity: opts.slots ?? opts.maxConcurrent,
    start: (job, ctx) => createStep(d, job, ctx, 1),
    async poll(job, state, ctx) {
      const st = decodeRelayState(state);
      if (!st) return failedStep('internal', 'bad_engine_state', 'The saved relay engine state is unreadable', false);
      switch (st.phase) {
        case 'idle':
          return createStep(d, job, ctx, st.gen + 1);
        case 'creating':
          if (!idempotent) {
            return failedStep('upstream_unavailable', 'upstream_create_unreconciled', 'The worker stopped while the create to the relay upstream was in flight, and the upstream is not known to honour Idempotency-Key: the task failed and its hold is released', false);
          }
          return sendCreate(d, job, ctx, st);
        case 'submitted':
          return followStep(d, job, ctx, st);
      }
    },
    async cancel(state) {
      const st = decodeRelayState(state);
      if (st?.phase === 'idle') return 'cancelled';
      if (st?.phase !== 'submitted') return 'not_cancellable';
      const ok = await poller.request(() => api.cancel(st.upstreamTaskId)).catch(() => false);
      if (ok) poller.untrack(st.upstreamTaskId);
      return ok ? 'cancelled' : 'not_cancellable';
    },
    close: () => pollers.stop(),
    stepPollers: () => pollers.step(),
    nextPollerWork: () => pollers.nextWork(),
  };
}
