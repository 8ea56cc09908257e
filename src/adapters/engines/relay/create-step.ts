/**
 * The relay engine's create path: takes the relay's channel slot, saves "creating" (with the exact body
 * and its Idempotency-Key) BEFORE sending, then "submitted" with the upstream task id. A create of unknown
 * outcome is resent byte-identical under the same key only when the upstream honours it; otherwise the
 * task fails and its hold is released. A refusal ends this generation: the next create uses a new key.
 */
import type { EngineContext, EngineJob, EngineStep } from '../../../domain/ports.js';
import { buildCreateBody } from '../upstream/require-media-url.js';
import { sleep } from '../upstream/sleep.js';
import { failedStep } from '../upstream/step-helpers.js';
import type { RelayDeps } from './relay-deps.js';
import { encodeRelayState, type RelayCreatingState, type RelayState } from './relay-state.js';
import { toRelayCreate } from './to-relay.js';

const channel = 'relay';

/** A new create, generation `gen` (its Idempotency-Key names our task and the generation). */
export async function createStep(d: RelayDeps, job: EngineJob, ctx: EngineContext, gen: number): Promise<EngineStep> {
  const now = d.clock.nowMs();
  if (d.throttle.untilMs > now) return { kind: 'wait', retryAfterMs: d.throttle.untilMs - now, reason: 'the relay upstream is throttling creates' };
  const built = buildCreateBody(() => toRelayCreate(job.request, job.mediaUrls));
  if ('failed' in built) return built.failed;
  const body = built.body;
  const got = await ctx.acquireChannel([{ id: channel, max: d.maxConcurrent }]);
  if (got === null) return { kind: 'wait', retryAfterMs: d.createRetryMs, reason: 'the relay upstream is at its concurrency limit' };
  const st: RelayCreatingState = { v: 1, engine: 'relay', phase: 'creating', gen, key: `wangate-${job.taskId}-${gen}`, body, firstSentAtMs: now };
  await ctx.saveState(encodeRelayState(st));
  return sendCreate(d, job, ctx, st);
}

/** Sends (or resends, byte-identical) the create a "creating" state records. */
export async function sendCreate(d: RelayDeps, job: EngineJob, ctx: EngineContext, st: RelayCreatingState): Promise<EngineStep> {
  for (let transient = 0; ; transient++) {
    const sentAtMs = d.clock.nowMs();
    const out = await d.api.create(st.body, st.key);
    if (out.kind === 'accepted') {
      const sub: RelayState = { v: 1, engine: 'relay', phase: 'submitted', gen: st.gen, upstreamTaskId: out.taskId, sentAtMs, upstreamStatus: 'UNSEEN' };
      await ctx.saveState(encodeRelayState(sub));
      d.poller.track(out.taskId, sentAtMs);
      return { kind: 'running', progress: 0, state: encodeRelayState(sub) };
    }
    const f = out.failure;
    if (f.kind === 'unknown_outcome') {
      if (!d.idempotent) {
        return failedStep(
          'upstream_unavailable',
          'upstream_create_unreconciled',
          `The create request to the relay upstream failed after it was sent (${f.message}). The upstream is not known to honour ` +
            'Idempotency-Key (RELAY_IDEMPOTENT_CREATES is off), so it was not resent: the task failed and its hold is released.',
          false,
        );
      }
      if (d.clock.nowMs() - st.firstSentAtMs > d.resendForMs) {
        return failedStep('upstream_unavailable', 'upstream_create_unreconciled', `The relay upstream never confirmed the create (${f.message})`, false);
      }
      d.log.warn({ taskId: job.taskId, err: f.message }, 'relay create of unknown outcome; resending with the same Idempotency-Key');
      // Running with the same "creating" state: the next poll resends it, byte-identical.
      await sleep(1000, ctx.signal);
      return { kind: 'running', progress: 0, state: encodeRelayState(st) };
    }
    // Refused: nothing was created under this key; the next create uses a new one.
    if (f.kind === 'transient' && transient < 2) {
      await sleep(500 * (transient + 1), ctx.signal);
      continue;
    }
    await ctx.saveState(encodeRelayState({ v: 1, engine: 'relay', phase: 'idle', gen: st.gen, note: `refused: ${f.code}` }));
    switch (f.kind) {
      case 'throttled':
        d.throttle.untilMs = d.clock.nowMs() + f.retryAfterMs;
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
