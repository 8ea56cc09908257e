/**
 * The DashScope engine's create path: picks a channel, saves "creating" BEFORE sending the create, then
 * "submitted" with the upstream task id. A create of unknown outcome is reconciled against the upstream
 * task list, never resent blindly; a refusal marks the channel and tries another.
 */
import { randomUUID } from 'node:crypto';
import type { EngineContext, EngineJob, EngineStep } from '../../../domain/ports.js';
import { buildCreateBody } from '../upstream/require-media-url.js';
import { sleep } from '../upstream/sleep.js';
import { failedStep } from '../upstream/step-helpers.js';
import { UpstreamCallError } from '../upstream/upstream-call-error.js';
import { accountOf, orderChannels, type Channel } from './channels.js';
import type { EngineDeps } from './engine-deps.js';
import { encodeState, type CreatingState, type SubmittedState } from './engine-state.js';
import { followStep } from './follow-step.js';
import { toUpstreamCreate, type UpstreamCreateBody } from './to-upstream.js';

/** Picks a channel (priority, then weight, healthy only) through the store's atomic slot count and creates the task there. */
export async function createStep(d: EngineDeps, job: EngineJob, ctx: EngineContext): Promise<EngineStep> {
  const built = buildCreateBody(() => toUpstreamCreate(job.request, job.mediaUrls, d.models));
  if ('failed' in built) return built.failed;
  const body = built.body;
  const refused = new Set<string>();
  for (let transientTries = 0; ; ) {
    const now = d.clock.nowMs();
    // Channels that answered "Model not exist" for this model are out of rotation for it (only for it).
    const serving = d.channels.filter((c) => d.health.mayServe(c.id, body.model, now));
    if (serving.length === 0) {
      return failedStep(
        'upstream_unavailable',
        'model_not_available',
        `No configured upstream channel serves ${body.model}: each answered "Model not exist" (the model may not be offered in its region; ` +
          'use a channel of a region that has it, or another model id in DASHSCOPE_MODEL_*)',
        false,
      );
    }
    const usable = serving.filter((c) => !refused.has(c.id) && d.health.usable(c.id, now));
    if (usable.length === 0) {
      const next = d.health.nextUsableMs(serving.map((c) => c.id), now);
      const why = serving.map((c) => `${c.id}: ${d.health.brokenReason(c.id, now) ?? 'throttled'}`).join(', ');
      return { kind: 'wait', retryAfterMs: Math.min(60_000, Math.max(Math.min(1000, d.createRetryMs), next - now)), reason: `no upstream channel can take a create now (${why})` };
    }
    const ordered = orderChannels(usable, d.random);
    const got = await ctx.acquireChannel(ordered.map((c) => ({ id: c.id, max: c.maxConcurrent })));
    if (got === null) return { kind: 'wait', retryAfterMs: d.createRetryMs, reason: 'every upstream channel is at its concurrency limit' };
    // The store keeps a task on the channel it took, unless that channel refused it (no longer offered).
    const ch = ordered.find((c) => c.id === got);
    if (!ch) return { kind: 'wait', retryAfterMs: d.createRetryMs, reason: 'every usable upstream channel is at its concurrency limit' };

    const outcome = await createOn(d, job, ctx, ch, body);
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
      return failedStep('upstream_unavailable', 'upstream_error', `The upstream did not take the task: ${outcome.transient}`, true);
    }
    return outcome;
  }
}

/** Saves "creating" BEFORE sending the create, then "submitted" with the upstream task id. */
async function createOn(d: EngineDeps, job: EngineJob, ctx: EngineContext, ch: Channel, body: UpstreamCreateBody): Promise<EngineStep | 'next_channel' | 'throttled' | { transient: string }> {
  const sentAtMs = d.clock.nowMs();
  const creating: CreatingState = {
    v: 1,
    phase: 'creating',
    channelId: ch.id,
    account: accountOf(ch),
    attemptId: randomUUID(),
    model: body.model,
    sentAtMs,
    deadlineMs: sentAtMs + d.createTimeoutMs,
  };
  await ctx.saveState(encodeState(creating));
  d.reconciler.creating(job, creating);
  let accepted: { taskId: string; status: SubmittedState['upstreamStatus'] };
  try {
    accepted = await d.api.create(ch, body);
  } catch (e) {
    if (!(e instanceof UpstreamCallError)) {
      d.reconciler.resolved(job.taskId);
      throw e;
    }
    const f = e.failure;
    const now = d.clock.nowMs();
    if (f.kind === 'unknown_outcome') {
      d.log.warn({ taskId: job.taskId, channel: ch.id, err: f.message }, 'DashScope create of unknown outcome; reconciling');
      const st: CreatingState = { ...creating, deadlineMs: Math.max(now, sentAtMs) };
      await ctx.saveState(encodeState(st));
      return reconcileStep(d, job, ctx, st);
    }
    d.reconciler.resolved(job.taskId);
    await ctx.saveState(encodeState({ v: 1, phase: 'idle', note: `${ch.id} refused: ${f.code}` }));
    switch (f.kind) {
      case 'throttled':
        d.health.markThrottled(ch.id, now + f.retryAfterMs);
        return 'throttled';
      case 'permanent':
        return failedStep('invalid_request', f.reason, `The upstream refused the request: ${f.message} (${f.code})`, false);
      case 'channel_broken':
        if (f.modelOnly) {
          d.health.markModelMissing(ch.id, body.model, now + d.unhealthyForMs);
          d.log.warn({ channel: ch.id, model: body.model, code: f.code }, 'DashScope channel does not serve this model; set aside for it, trying another');
          return 'next_channel';
        }
        d.health.markBroken(ch.id, f.reason, now + d.unhealthyForMs);
        d.log.warn({ channel: ch.id, code: f.code }, 'DashScope channel refused a create; set aside, trying another');
        return 'next_channel';
      case 'transient':
        return { transient: `${f.message} (${f.code})` };
    }
  }
  d.reconciler.claim(accepted.taskId, job.taskId);
  d.reconciler.resolved(job.taskId);
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
    await d.api.cancel(ch, accepted.taskId).catch(() => undefined);
    throw e;
  }
  d.pollerFor(sub.account)?.track(sub.upstreamTaskId, sentAtMs);
  return { kind: 'running', progress: 0, state: encodeState(sub) };
}

/** A create of unknown outcome: reconciled against the upstream task list (create-reconciler.ts), never resent blindly. */
export async function reconcileStep(d: EngineDeps, job: EngineJob, ctx: EngineContext, st: CreatingState): Promise<EngineStep> {
  const verdict = await d.reconciler.round(job, ctx, st);
  switch (verdict.kind) {
    case 'step':
      return verdict.step;
    case 'adopted':
      return followStep(d, job, ctx, verdict.state);
    case 'not_created':
      return createStep(d, job, ctx);
  }
}
