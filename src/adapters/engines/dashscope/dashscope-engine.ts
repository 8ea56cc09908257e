/**
 * The DashScope engine: runs each task on Alibaba Cloud Model Studio (the real Wan2.7 model).
 *
 * start(): picks a channel (priority, then weight, healthy only) through the store's atomic slot count,
 * saves "creating" BEFORE sending the create, then "submitted" with the upstream task id. poll(): waits
 * for the account's shared poller (poller.ts) to report news of the task; on success downloads the MP4 at
 * once through the SSRF-guarded fetcher (upstream URLs die after 24 h) and checks it with the prober.
 * A create of unknown outcome is reconciled against the upstream task list (reconcile.ts), never resent
 * blindly; poll() does the same for a task found in "creating" after a crash.
 * Docs: see the headers of api.ts, from-upstream.ts and errors.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Clock, Engine, EngineContext, EngineJob, EngineStep, MediaFetcher, MediaProber } from '../../../domain/ports.js';
import { createDashscopeApi, UpstreamCallError, type DashscopeApi } from './api.js';
import { accountOf, ChannelHealth, orderChannels, type Channel } from './channels.js';
import { decodeState, encodeState, estimateProgress, type CreatingState, type EngineState, type SubmittedState } from './engine-state.js';
import { collectResult } from './collect-result.js';
import { classifyTaskFailure } from './errors.js';
import { AccountPoller, type PollerClient, type PollerOptions } from './poller.js';
import { Reconciler } from './reconciler.js';
import type { KnownUpstreamWorkSource } from './reconcile.js';
import { MissingMediaUrlError, toUpstreamCreate, type UpstreamCreateBody } from './to-upstream.js';

export type { Channel } from './channels.js';

export interface EngineLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface DashscopeEngineOptions {
  channels: Channel[];
  /** Queries + list calls per second per cloud account (the upstream allows 20). */
  queryBudgetPerSecond: number;
  fetcher: MediaFetcher;
  prober: MediaProber;
  clock?: Clock;
  /** A create that has not answered by then has an unknown outcome. Default 30 s. */
  createTimeoutMs?: number;
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
}

export interface DashscopeEngine extends Engine {
  /** Stops the pollers (tests, shutdown). */
  close(): void;
}

const systemClock: Clock = { nowMs: () => Date.now() };
const quietLog: EngineLog = { info: () => undefined, warn: () => undefined };

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

type Step = EngineStep;
const failed = (code: string, reason: string, message: string, retryable: boolean): Step => ({ kind: 'failed', error: { code, message, reason }, retryable });

export function createDashscopeEngine(opts: DashscopeEngineOptions): DashscopeEngine {
  if (opts.channels.length === 0) throw new Error('the DashScope engine needs at least one channel');
  const ids = new Set(opts.channels.map((c) => c.id));
  if (ids.size !== opts.channels.length) throw new Error('DashScope channel ids must be unique');
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? quietLog;
  const createTimeoutMs = opts.createTimeoutMs ?? 30_000;
  const pollWaitMs = opts.pollWaitMs ?? 10_000;
  const unhealthyForMs = opts.unhealthyForMs ?? 300_000;
  const retryFailedUpstream = opts.retryFailedUpstream ?? true;
  const maxResultBytes = opts.maxResultBytes ?? 2 * 1024 ** 3;
  const api = opts.api ?? createDashscopeApi({ createTimeoutMs, queryTimeoutMs: opts.queryTimeoutMs ?? 15_000 });
  const channels = opts.channels;
  const health = new ChannelHealth();
  const pollers = new Map<string, AccountPoller>();

  const channelById = (id: string) => channels.find((c) => c.id === id);
  const accountChannels = (account: string) => channels.filter((c) => accountOf(c) === account);

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
      p = new AccountPoller({
        ...opts.poller,
        client: clientFor(account),
        budgetPerSecond: opts.queryBudgetPerSecond,
        clock,
        onError: (err, what) => log.warn({ account: account.replace(/#.*$/, '#…'), what, err: String(err) }, 'DashScope poller call failed'),
      });
      pollers.set(account, p);
      p.start();
    }
    return p;
  }

  const reconciler = new Reconciler({
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

  // ---------- start: pick a channel, save, create ----------

  async function start(job: EngineJob, ctx: EngineContext): Promise<Step> {
    let body: UpstreamCreateBody;
    try {
      body = toUpstreamCreate(job.request, job.mediaUrls);
    } catch (e) {
      if (e instanceof MissingMediaUrlError) return failed('internal', 'missing_input', e.message, false);
      throw e;
    }
    const refused = new Set<string>();
    for (let transientTries = 0; ; ) {
      const now = clock.nowMs();
      const usable = channels.filter((c) => !refused.has(c.id) && health.usable(c.id, now));
      if (usable.length === 0) {
        const next = health.nextUsableMs(channels.map((c) => c.id), now);
        const why = channels.map((c) => `${c.id}: ${health.brokenReason(c.id, now) ?? 'throttled'}`).join(', ');
        return { kind: 'wait', retryAfterMs: Math.min(60_000, Math.max(1000, next - now)), reason: `no upstream channel can take a create now (${why})` };
      }
      const ordered = orderChannels(usable, opts.random);
      const got = await ctx.acquireChannel(ordered.map((c) => ({ id: c.id, max: c.maxConcurrent })));
      if (got === null) return { kind: 'wait', retryAfterMs: 2000, reason: 'every upstream channel is at its concurrency limit' };
      // The store keeps a task on the channel it took, unless that channel refused it (no longer offered).
      const ch = ordered.find((c) => c.id === got);
      if (!ch) return { kind: 'wait', retryAfterMs: 2000, reason: 'every usable upstream channel is at its concurrency limit' };

      const outcome = await createOn(job, ctx, ch, body);
      if (outcome === 'next_channel') {
        refused.add(ch.id);
        continue;
      }
      if (outcome === 'throttled') continue;
      if (typeof outcome === 'object' && 'transient' in outcome) {
        if (++transientTries <= 2) {
          await sleep(500 * transientTries, ctx.signal);
          continue;
        }
        return failed('upstream_unavailable', 'upstream_error', `The upstream did not take the task: ${outcome.transient}`, true);
      }
      return outcome;
    }
  }

  async function createOn(job: EngineJob, ctx: EngineContext, ch: Channel, body: UpstreamCreateBody): Promise<Step | 'next_channel' | 'throttled' | { transient: string }> {
    const sentAtMs = clock.nowMs();
    const creating: CreatingState = {
      v: 1,
      phase: 'creating',
      channelId: ch.id,
      account: accountOf(ch),
      attemptId: randomUUID(),
      model: body.model,
      sentAtMs,
      deadlineMs: sentAtMs + createTimeoutMs,
    };
    await ctx.saveState(encodeState(creating));
    reconciler.creating(job, creating);
    let accepted: { taskId: string; status: SubmittedState['upstreamStatus'] };
    try {
      accepted = await api.create(ch, body);
    } catch (e) {
      if (!(e instanceof UpstreamCallError)) {
        reconciler.resolved(job.taskId);
        throw e;
      }
      const f = e.failure;
      const now = clock.nowMs();
      if (f.kind === 'unknown_outcome') {
        log.warn({ taskId: job.taskId, channel: ch.id, err: f.message }, 'DashScope create of unknown outcome; reconciling');
        const st: CreatingState = { ...creating, deadlineMs: Math.max(now, sentAtMs) };
        await ctx.saveState(encodeState(st));
        return reconcileStep(job, ctx, st);
      }
      reconciler.resolved(job.taskId);
      await ctx.saveState(encodeState({ v: 1, phase: 'idle', note: `${ch.id} refused: ${f.code}` }));
      switch (f.kind) {
        case 'throttled':
          health.markThrottled(ch.id, now + f.retryAfterMs);
          return 'throttled';
        case 'permanent':
          return failed('invalid_request', f.reason, `The upstream refused the request: ${f.message} (${f.code})`, false);
        case 'channel_broken':
          health.markBroken(ch.id, f.reason, now + unhealthyForMs);
          log.warn({ channel: ch.id, code: f.code }, 'DashScope channel refused a create; set aside, trying another');
          return 'next_channel';
        case 'transient':
          return { transient: `${f.message} (${f.code})` };
      }
    }
    reconciler.claim(accepted.taskId, job.taskId);
    reconciler.resolved(job.taskId);
    const sub: SubmittedState = {
      v: 1,
      phase: 'submitted',
      channelId: ch.id,
      account: creating.account,
      attemptId: creating.attemptId,
      model: body.model,
      upstreamTaskId: accepted.taskId,
      sentAtMs,
      upstreamStatus: accepted.status,
    };
    try {
      await ctx.saveState(encodeState(sub));
    } catch (e) {
      // Cancelled while the create was in flight: do not leave a paid render running for nobody.
      await api.cancel(ch, accepted.taskId).catch(() => undefined);
      throw e;
    }
    pollerFor(sub.account)?.track(sub.upstreamTaskId, sentAtMs);
    return { kind: 'running', progress: 0, state: encodeState(sub) };
  }

  async function reconcileStep(job: EngineJob, ctx: EngineContext, st: CreatingState): Promise<Step> {
    const verdict = await reconciler.round(job, ctx, st);
    switch (verdict.kind) {
      case 'step':
        return verdict.step;
      case 'adopted':
        return followStep(job, ctx, verdict.state);
      case 'not_created':
        return start(job, ctx);
    }
  }

  // ---------- poll: follow the upstream task ----------

  async function followStep(job: EngineJob, ctx: EngineContext, st: SubmittedState): Promise<Step> {
    const poller = pollerFor(st.account);
    if (!poller) {
      return failed('upstream_unavailable', 'upstream_channel_removed', `The channel ${st.channelId} that accepted this task is no longer configured; its upstream task ${st.upstreamTaskId} cannot be followed`, false);
    }
    poller.track(st.upstreamTaskId, st.sentAtMs);
    const news = await poller.waitForChange(st.upstreamTaskId, st.upstreamStatus, pollWaitMs, ctx.signal);
    const status = news?.status ?? st.upstreamStatus;
    const next: SubmittedState = { ...st, upstreamStatus: status };
    if (status === 'UNSEEN' || status === 'PENDING' || status === 'RUNNING' || !news) {
      const progress = estimateProgress(status, st.sentAtMs, news?.scheduledAtMs, clock.nowMs());
      ctx.onProgress(progress);
      return { kind: 'running', progress, state: encodeState(next) };
    }
    const done = (step: Step) => {
      poller.untrack(st.upstreamTaskId);
      return step;
    };
    const id = st.upstreamTaskId;
    switch (status) {
      case 'SUCCEEDED': {
        const step = await collectResult({
          job,
          ctx,
          fetcher: opts.fetcher,
          prober: opts.prober,
          maxBytes: maxResultBytes,
          view: news.view!,
          refresh: () => poller.request(() => clientFor(st.account).query(st.upstreamTaskId)),
        });
        return step.kind === 'failed' && step.retryable ? step : done(step);
      }
      case 'FAILED': {
        const v = classifyTaskFailure(news.view?.errorCode, news.view?.errorMessage);
        const retry = v.retryable && retryFailedUpstream;
        // It provably ended: a retry is a new create.
        if (retry) await ctx.saveState(encodeState({ v: 1, phase: 'idle', note: `upstream task ${id} failed (${news.view?.errorCode ?? 'unknown'})` }));
        return done(failed(v.code, v.reason, v.message, retry));
      }
      case 'CANCELED':
        return done(failed('upstream_unavailable', 'upstream_cancelled', `The upstream task ${id} was cancelled upstream (not through this gateway)`, false));
      case 'UNKNOWN':
        return done(
          failed('upstream_unavailable', 'upstream_task_expired', `The upstream no longer knows task ${id}: it expired (tasks are kept 24 h) or is not visible to this account; any result is lost`, false),
        );
    }
  }

  async function poll(job: EngineJob, state: string, ctx: EngineContext): Promise<Step> {
    const st: EngineState | undefined = decodeState(state);
    if (!st) return failed('internal', 'bad_engine_state', 'The saved DashScope engine state is unreadable', false);
    switch (st.phase) {
      case 'idle':
        return start(job, ctx);
      case 'creating':
        return reconcileStep(job, ctx, st);
      case 'submitted':
        return followStep(job, ctx, st);
      case 'abandoned':
        return failed('upstream_unavailable', 'upstream_create_unreconciled', 'The create of this task could not be reconciled with the upstream', false);
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
      `Alibaba Cloud Model Studio (DashScope): the real Wan2.7 model (wan2.7-t2v, wan2.7-i2v) over ${channels.length} channel(s); ` +
      'results are copied to this gateway as soon as they are ready',
    needsLocalInputs: false,
    capacity,
    start,
    poll,
    cancel,
    close() {
      for (const p of pollers.values()) p.stop();
    },
  };
}
