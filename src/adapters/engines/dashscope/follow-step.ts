/**
 * The DashScope engine's follow path: waits for the account's shared poller (upstream/account-poller.ts) to report news
 * of a submitted upstream task; on success copies the MP4 at once (upstream/collect-result.ts: upstream URLs die
 * after 24 h), otherwise maps the upstream's end to a step.
 */
import type { EngineContext, EngineJob, EngineStep } from '../../../domain/ports.js';
import { collectResult } from '../upstream/collect-result.js';
import { failedStep } from '../upstream/step-helpers.js';
import { isOpenUpstream } from '../upstream/upstream-task.js';
import type { EngineDeps } from './engine-deps.js';
import { encodeState, estimateProgress, type SubmittedState } from './engine-state.js';
import { classifyTaskFailure } from './errors.js';

export async function followStep(d: EngineDeps, job: EngineJob, ctx: EngineContext, st: SubmittedState): Promise<EngineStep> {
  const poller = d.pollerFor(st.account);
  if (!poller) {
    return failedStep('upstream_unavailable', 'upstream_channel_removed', `The channel ${st.channelId} that accepted this task is no longer configured; its upstream task ${st.upstreamTaskId} cannot be followed`, false);
  }
  poller.track(st.upstreamTaskId, st.sentAtMs);
  const news = await poller.waitForChange(st.upstreamTaskId, st.upstreamStatus, d.pollWaitMs, ctx.signal);
  const status = news?.status ?? st.upstreamStatus;
  const next: SubmittedState = { ...st, upstreamStatus: status };
  if (isOpenUpstream(status) || !news) {
    const progress = estimateProgress(status, st.sentAtMs, news?.scheduledAtMs, d.clock.nowMs());
    ctx.onProgress(progress);
    return { kind: 'running', progress, state: encodeState(next) };
  }
  const done = (step: EngineStep) => {
    poller.untrack(st.upstreamTaskId);
    return step;
  };
  const id = st.upstreamTaskId;
  switch (status) {
    case 'SUCCEEDED': {
      const step = await collectResult({
        job,
        ctx,
        fetcher: d.fetcher,
        prober: d.prober,
        maxBytes: d.maxResultBytes,
        view: news.view!,
        refresh: () => poller.request(() => d.clientFor(st.account).query(st.upstreamTaskId)),
      });
      return step.kind === 'failed' && step.retryable ? step : done(step);
    }
    case 'FAILED': {
      const v = classifyTaskFailure(news.view?.errorCode, news.view?.errorMessage);
      const retry = v.retryable && d.retryFailedUpstream;
      // It provably ended: a retry is a new create.
      if (retry) await ctx.saveState(encodeState({ v: 1, phase: 'idle', note: `upstream task ${id} failed (${news.view?.errorCode ?? 'unknown'})` }));
      return done(failedStep(v.code, v.reason, v.message, retry));
    }
    case 'CANCELED':
      return done(failedStep('upstream_unavailable', 'upstream_cancelled', `The upstream task ${id} was cancelled upstream (not through this gateway)`, false));
    case 'UNKNOWN':
      return done(
        failedStep('upstream_unavailable', 'upstream_task_expired', `The upstream no longer knows task ${id}: it expired (tasks are kept 24 h) or is not visible to this account; any result is lost`, false),
      );
  }
}
