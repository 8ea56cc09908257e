/**
 * The DashScope engine: runs each task on Alibaba Cloud Model Studio (the real Wan2.7 model).
 *
 * start(): picks a channel (priority, then weight, healthy only) through the store's atomic slot count,
 * saves "creating" BEFORE sending the create, then "submitted" with the upstream task id (create-step.ts).
 * poll(): waits for the account's shared poller (upstream/account-poller.ts) to report news of the task;
 * on success downloads the MP4 at once through the SSRF-guarded fetcher (upstream URLs die after 24 h)
 * and checks it with the prober (follow-step.ts, upstream/collect-result.ts). A create of unknown outcome
 * is reconciled against the upstream task list (create-reconciler.ts), never resent blindly; poll() does
 * the same for a task found in "creating" after a crash. This file wires the two paths to the
 * per-account pollers and the reconciler.
 * Docs: see the headers of api.ts, from-upstream.ts and errors.ts.
 */
import type { Clock, EngineContext, EngineJob, EngineStep, MediaFetcher, MediaProber } from '../../../domain/ports.js';
import type { AccountPoller, PollerClient, PollerOptions } from '../upstream/account-poller.js';
import type { KnownUpstreamWorkSource } from '../upstream/decide-reconciliation.js';
import { PollerSet, type UpstreamEngine } from '../upstream/poller-set.js';
import { failedStep, quietLog, systemClock, type EngineLog } from '../upstream/step-helpers.js';
import { UpstreamCallError } from '../upstream/upstream-call-error.js';
import { countCall, type UpstreamCallCounter } from '../upstream/count-calls.js';
import { createDashscopeApi, type ChannelAuth, type DashscopeApi } from './api.js';
import { accountOf, ChannelHealth, type Channel } from './channels.js';
import { CreateReconciler } from './create-reconciler.js';
import { createStep, reconcileStep } from './create-step.js';
import type { EngineDeps } from './engine-deps.js';
import { decodeState, type EngineState } from './engine-state.js';
import { followStep } from './follow-step.js';
import { defaultUpstreamModels, type UpstreamModels } from './to-upstream.js';

export interface DashscopeEngineOptions {
  channels: Channel[];
  /** Queries + list calls per second per cloud account (the upstream allows 20). */
  queryBudgetPerSecond: number;
  fetcher: MediaFetcher;
  prober: MediaProber;
  clock?: Clock;
  /** A create that has not answered by then has an unknown outcome. Default 30 s. */
  createTimeoutMs?: number;
  /** A create waits this long before trying again when its channels are all busy or one answered 429 without Retry-After. Default 2 s. */
  createRetryMs?: number;
  /** The upstream model id of each route (DASHSCOPE_MODEL_*); default the undated wan2.7 ids. */
  models?: Partial<UpstreamModels>;
  queryTimeoutMs?: number;
  /** How long poll() waits for news before returning (so the worker can heartbeat). Default 10 s. */
  pollWaitMs?: number;
  /** How long a channel that refused with a bad key or arrears is set aside. Default 5 min. */
  unhealthyForMs?: number;
  /** Pause after a create of unknown outcome before listing (the upstream's list may lag). Default 3 s. */
  reconcileSettleMs?: number;
  reconcileIntervalMs?: number;
  /** Give up reconciling after this long (fail and refund). Default 15 min. */
  reconcileTimeoutMs?: number;
  clockSkewMs?: number;
  maxResultBytes?: number;
  /** After an upstream task FAILED (InternalError), may the task be retried with a new create? Default true. */
  retryFailedUpstream?: boolean;
  /** Our store's view of upstream work, for reconciliation across processes (store-scan.ts). */
  knownWork?: KnownUpstreamWorkSource;
  poller?: Partial<Omit<PollerOptions, 'client' | 'budgetPerSecond' | 'clock'>>;
  api?: DashscopeApi;
  random?: () => number;
  /** Worker slots in this process; default the sum of the channels' maxConcurrent (0: an API-only process). */
  slots?: number;
  log?: EngineLog;
  /** Counts each call (metrics), by the channel's account name (its id when it has none: never its key). */
  onUpstreamCall?: UpstreamCallCounter;
  /** The pollers run only when stepped (stepPollers), on the given clock: tests. Default false. */
  steppedPollers?: boolean;
}

export type DashscopeEngine = UpstreamEngine;

/** The API with every call counted against the channel's account. */
function countedApi(api: DashscopeApi, count: UpstreamCallCounter): DashscopeApi {
  const account = (ch: ChannelAuth) => (ch as Partial<Channel>).account ?? (ch as Partial<Channel>).id ?? 'default';
  return {
    create: (ch, body, signal) => countCall(count, account(ch), () => api.create(ch, body, signal)),
    query: (ch, id) => countCall(count, account(ch), () => api.query(ch, id)),
    list: (ch, p) => countCall(count, account(ch), () => api.list(ch, p)),
    cancel: (ch, id) => countCall(count, account(ch), () => api.cancel(ch, id)),
  };
}

export function createDashscopeEngine(opts: DashscopeEngineOptions): DashscopeEngine {
  if (opts.channels.length === 0) throw new Error('the DashScope engine needs at least one channel');
  const ids = new Set(opts.channels.map((c) => c.id));
  if (ids.size !== opts.channels.length) throw new Error('DashScope channel ids must be unique');
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? quietLog;
  const models: UpstreamModels = { ...defaultUpstreamModels, ...opts.models };
  const createTimeoutMs = opts.createTimeoutMs ?? 30_000;
  const pollWaitMs = opts.pollWaitMs ?? 10_000;
  const unhealthyForMs = opts.unhealthyForMs ?? 300_000;
  const retryFailedUpstream = opts.retryFailedUpstream ?? true;
  const maxResultBytes = opts.maxResultBytes ?? 2 * 1024 ** 3;
  const createRetryMs = opts.createRetryMs ?? 2000;
  const rawApi = opts.api ?? createDashscopeApi({ createTimeoutMs, queryTimeoutMs: opts.queryTimeoutMs ?? 15_000, throttleMs: createRetryMs });
  const api = opts.onUpstreamCall ? countedApi(rawApi, opts.onUpstreamCall) : rawApi;
  const channels = opts.channels;
  const health = new ChannelHealth();
  const pollers = new PollerSet(opts.steppedPollers ?? false);

  const channelById = (id: string) => channels.find((c) => c.id === id);
  // A channel's account never changes (and may cost a hash to work out): grouped once.
  const byAccount = new Map<string, Channel[]>();
  for (const c of channels) byAccount.set(accountOf(c), [...(byAccount.get(accountOf(c)) ?? []), c]);
  const accountChannels = (account: string) => byAccount.get(account) ?? [];

  /** Runs a call on a healthy channel of the account; marks a channel that turns out broken. */
  async function onAccount<T>(account: string, call: (ch: Channel) => Promise<T>): Promise<T> {
    const now = clock.nowMs();
    const list = accountChannels(account);
    const ch = list.find((c) => health.healthy(c.id, now)) ?? list[0];
    if (!ch) throw new Error(`no configured channel belongs to upstream account ${account}`);
    try {
      return await call(ch);
    } catch (e) {
      if (e instanceof UpstreamCallError && e.failure.kind === 'channel_broken') {
        health.markBroken(ch.id, e.failure.reason, clock.nowMs() + unhealthyForMs);
        log.warn({ channel: ch.id, code: e.failure.code }, 'DashScope channel refused a query; set aside');
      }
      throw e;
    }
  }

  function clientFor(account: string): PollerClient {
    return {
      query: (id) => onAccount(account, (ch) => api.query(ch, id)),
      list: (p) => onAccount(account, (ch) => api.list(ch, p)),
    };
  }

  function pollerFor(account: string): AccountPoller | undefined {
    let p = pollers.get(account);
    if (!p && accountChannels(account).length > 0) {
      p = pollers.add(account, {
        ...opts.poller,
        client: clientFor(account),
        budgetPerSecond: opts.queryBudgetPerSecond,
        clock,
        onError: (err, what) => log.warn({ account: account.replace(/#.*$/, '#…'), what, err: String(err) }, 'DashScope poller call failed'),
      });
    }
    return p;
  }

  const reconciler = new CreateReconciler({
    clock,
    pollerFor,
    clientFor,
    knownWork: opts.knownWork,
    settleMs: opts.reconcileSettleMs ?? 3000,
    intervalMs: opts.reconcileIntervalMs ?? 5000,
    timeoutMs: opts.reconcileTimeoutMs ?? 15 * 60_000,
    skewMs: opts.clockSkewMs ?? 10_000,
    pollWaitMs,
    log,
  });

  const d: EngineDeps = {
    clock,
    log,
    api,
    channels,
    health,
    reconciler,
    fetcher: opts.fetcher,
    prober: opts.prober,
    random: opts.random,
    createTimeoutMs,
    createRetryMs,
    models,
    pollWaitMs,
    unhealthyForMs,
    retryFailedUpstream,
    maxResultBytes,
    pollerFor,
  };
  const start = (job: EngineJob, ctx: EngineContext): Promise<EngineStep> => createStep(d, job, ctx);

  async function poll(job: EngineJob, state: string, ctx: EngineContext): Promise<EngineStep> {
    const st: EngineState | undefined = decodeState(state);
    if (!st) return failedStep('internal', 'bad_engine_state', 'The saved DashScope engine state is unreadable', false);
    switch (st.phase) {
      case 'idle':
        return start(job, ctx);
      case 'creating':
        return reconcileStep(d, job, ctx, st);
      case 'submitted':
        return followStep(d, job, ctx, st);
      case 'abandoned':
        return failedStep('upstream_unavailable', 'upstream_create_unreconciled', 'The create of this task could not be reconciled with the upstream', false);
    }
  }

  async function cancel(state: string): Promise<'cancelled' | 'not_cancellable'> {
    const st = decodeState(state);
    if (st?.phase === 'idle') return 'cancelled';
    if (st?.phase !== 'submitted') return 'not_cancellable';
    const ch = channelById(st.channelId) ?? accountChannels(st.account)[0];
    const poller = pollerFor(st.account);
    if (!ch || !poller) return 'not_cancellable';
    try {
      // Only a PENDING task can be cancelled; the upstream refuses the rest.
      await poller.request(() => api.cancel(ch, st.upstreamTaskId));
    } catch {
      return 'not_cancellable';
    }
    poller.untrack(st.upstreamTaskId);
    return 'cancelled';
  }

  const capacity = opts.slots ?? channels.reduce((s, c) => s + c.maxConcurrent, 0);
  return {
    id: 'dashscope',
    description:
      `Alibaba Cloud Model Studio (DashScope): the real Wan2.7 models (${Object.values(models).join(', ')}) over ${channels.length} channel(s); ` +
      'results are copied to this gateway as soon as they are ready',
    needsLocalInputs: false,
    capacity,
    start,
    poll,
    cancel,
    close: () => pollers.stop(),
    stepPollers: () => pollers.step(),
    nextPollerWork: () => pollers.nextWork(),
  };
}
