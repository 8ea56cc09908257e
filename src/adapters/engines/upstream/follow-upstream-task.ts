/**
 * The follow step both upstream engines share: waits for the account's poller (account-poller.ts) to
 * report news of a submitted upstream task. While the task runs it reports progress; once it SUCCEEDED
 * the result is copied at once (collect-result.ts: upstream URLs expire). Any other end is the engine's
 * to map, since what a failure means depends on its upstream.
 */
import type { EngineContext, EngineJob, EngineStep, MediaFetcher, MediaProber } from '../../../domain/ports.js';
import type { AccountPoller, TaskNews } from './account-poller.js';
import { collectResult } from './collect-result.js';
import { isOpenUpstream, type UpstreamStatus, type UpstreamTaskView } from './upstream-task.js';

export interface FollowArgs {
  job: EngineJob;
  ctx: EngineContext;
  poller: AccountPoller;
  upstreamTaskId: string;
  /** Our clock, just before the create. */
  sentAtMs: number;
  /** The status the saved state last recorded. */
  known: TaskNews['status'];
  /** How long to wait for news before returning 'running' (so the worker can heartbeat). */
  waitMs: number;
  collect: { fetcher: MediaFetcher; prober: MediaProber; maxBytes: number };
  /** Percent while the task runs, from the poller's news (undefined: none yet). */
  progress(status: TaskNews['status'], news: TaskNews | undefined): number;
  /** The engine state to keep while the task runs, recording the status seen. */
  runningState(status: TaskNews['status']): string;
  /** The step for an upstream end other than SUCCEEDED. */
  ended(status: Exclude<UpstreamStatus, 'PENDING' | 'RUNNING' | 'SUCCEEDED'>, view: UpstreamTaskView): Promise<EngineStep> | EngineStep;
}

export async function followUpstreamTask(a: FollowArgs): Promise<EngineStep> {
  const { poller, upstreamTaskId: id } = a;
  poller.track(id, a.sentAtMs);
  const news = await poller.waitForChange(id, a.known, a.waitMs, a.ctx.signal);
  const status = news?.status ?? a.known;
  if (!news || isOpenUpstream(status)) {
    const progress = a.progress(status, news);
    a.ctx.onProgress(progress);
    return { kind: 'running', progress, state: a.runningState(status) };
  }
  const view = news.view!;
  let step: EngineStep;
  if (status === 'SUCCEEDED') {
    step = await collectResult({ job: a.job, ctx: a.ctx, ...a.collect, view, refresh: () => poller.queryNow(id) });
    // Not in hand yet (a download that failed twice): still followed, so the next attempt collects it.
    if (step.kind === 'failed' && step.retryable) return step;
  } else {
    step = await a.ended(status, view);
  }
  poller.untrack(id);
  return step;
}
