/**
 * The DashScope engine's follow path: the shared follow step (upstream/follow-upstream-task.ts) on the
 * account's poller, with what is DashScope's own: progress estimated from elapsed time (the upstream
 * reports none), and what each upstream end means for the task.
 */
import type { EngineContext, EngineJob, EngineStep } from '../../../domain/ports.js';
import { followUpstreamTask } from '../upstream/follow-upstream-task.js';
import { failedStep } from '../upstream/step-helpers.js';
import type { EngineDeps } from './engine-deps.js';
import { encodeState, estimateProgress, type SubmittedState } from './engine-state.js';
import { classifyTaskFailure } from './errors.js';

export async function followStep(d: EngineDeps, job: EngineJob, ctx: EngineContext, st: SubmittedState): Promise<EngineStep> {
  const poller = d.pollerFor(st.account);
  if (!poller) {
    return failedStep('upstream_unavailable', 'upstream_channel_removed', `The channel ${st.channelId} that accepted this task is no longer configured; its upstream task ${st.upstreamTaskId} cannot be followed`, false);
  }
  const id = st.upstreamTaskId;
  return followUpstreamTask({
    job,
    ctx,
    poller,
    upstreamTaskId: id,
    sentAtMs: st.sentAtMs,
    known: st.upstreamStatus,
    waitMs: d.pollWaitMs,
    collect: { fetcher: d.fetcher, prober: d.prober, maxBytes: d.maxResultBytes },
    progress: (status, news) => estimateProgress(status, st.sentAtMs, news?.scheduledAtMs, d.clock.nowMs()),
    runningState: (status) => encodeState({ ...st, upstreamStatus: status }),
    async ended(status, view) {
      switch (status) {
        case 'FAILED': {
          const v = classifyTaskFailure(view.errorCode, view.errorMessage);
          const retry = v.retryable && d.retryFailedUpstream;
          // It provably ended: a retry is a new create.
          if (retry) await ctx.saveState(encodeState({ v: 1, phase: 'idle', note: `upstream task ${id} failed (${view.errorCode ?? 'unknown'})` }));
          return failedStep(v.code, v.reason, v.message, retry);
        }
        case 'CANCELED':
          return failedStep('upstream_unavailable', 'upstream_cancelled', `The upstream task ${id} was cancelled upstream (not through this gateway)`, false);
        case 'UNKNOWN':
          return failedStep(
            'upstream_unavailable',
            'upstream_task_expired',
            `The upstream no longer knows task ${id}: it expired (tasks are kept 24 h) or is not visible to this account; any result is lost`,
            false,
          );
      }
    },
  });
}
