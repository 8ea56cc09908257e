/**
 * The relay engine's follow path: the shared follow step (upstream/follow-upstream-task.ts) on the
 * relay's poller, with what is the relay's own: the progress the other gateway reports, and what each
 * upstream end means (a failure the other gateway blames on the request is the request's fault here too).
 */
import { toCataloguedReason } from '../../../domain/errors.js';
import type { EngineContext, EngineJob, EngineStep } from '../../../domain/ports.js';
import { followUpstreamTask } from '../upstream/follow-upstream-task.js';
import { failedStep } from '../upstream/step-helpers.js';
import type { RelayDeps } from './relay-deps.js';
import { encodeRelayState, type RelaySubmittedState } from './relay-state.js';

export function followStep(d: RelayDeps, job: EngineJob, ctx: EngineContext, st: RelaySubmittedState): Promise<EngineStep> {
  const id = st.upstreamTaskId;
  return followUpstreamTask({
    job,
    ctx,
    poller: d.poller,
    upstreamTaskId: id,
    sentAtMs: st.sentAtMs,
    known: st.upstreamStatus,
    waitMs: d.pollWaitMs,
    collect: { fetcher: d.fetcher, prober: d.prober, maxBytes: d.maxResultBytes },
    progress: (_status, news) => Math.min(99, Math.max(0, news?.view?.progress ?? 0)),
    runningState: (status) => encodeRelayState({ ...st, upstreamStatus: status }),
    async ended(status, view) {
      switch (status) {
        case 'FAILED': {
          const client = view.errorCode?.startsWith('client:') ?? false;
          const upstreamReason = client ? view.errorCode!.slice('client:'.length) : undefined;
          const reason = client ? toCataloguedReason(upstreamReason, 'invalid_request', 'upstream_invalid_request') : 'upstream_failed';
          const uncatalogued = client && reason !== upstreamReason ? ` (${upstreamReason})` : '';
          const message = `The relay upstream task ${id} failed: ${view.errorMessage ?? view.errorCode ?? 'no reason given'}${uncatalogued}`;
          // It ended: a retry is a new create under a new key.
          if (!client) await ctx.saveState(encodeRelayState({ v: 1, engine: 'relay', phase: 'idle', gen: st.gen, note: `upstream task ${id} failed` }));
          return failedStep(client ? 'invalid_request' : 'upstream_unavailable', reason, message, !client);
        }
        case 'CANCELED':
          return failedStep('upstream_unavailable', 'upstream_cancelled', `The relay upstream task ${id} was cancelled upstream`, false);
        default:
          return failedStep('upstream_unavailable', 'upstream_task_expired', `The relay upstream no longer knows task ${id} (expired or not visible to our key)`, false);
      }
    },
  });
}
