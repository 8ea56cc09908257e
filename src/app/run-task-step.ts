import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { AppError, isRetryable, type Failure } from '../domain/errors.js';
import { storageUnavailable } from '../domain/storage-unavailable.js';
import { billedSecondsOf, holdSecondsOf } from '../domain/model-registry.js';
import type { Engine, EngineJob, EngineOutput, EngineStep } from '../domain/ports.js';
import { billedCostMinor } from '../domain/pricing.js';
import { maxAttempts, type Task } from '../domain/task.js';
import type { AppDeps } from './deps.js';
import { upstreamMediaUrls, type UpstreamMediaDeps } from './media-sources.js';
import { prepareInputs, type PrepareInputsDeps } from './prepare-inputs.js';
import { TaskLease, type TaskLeaseDeps } from './task-lease.js';
import { recordTaskEnd, recordTaskStart, type TaskMetricsDeps } from './task-metrics.js';

export type StepOutcome = 'idle' | 'completed' | 'failed' | 'cancelled' | 'lost' | 'retry' | 'requeued';

/** What settling a claimed task touches: its row (and hold), its events, its blobs, the log. */
type SettleDeps = Pick<AppDeps, 'tasks' | 'clock' | 'events' | 'blobs' | 'log' | 'notifyWork'> & TaskMetricsDeps;

export type RunTaskStepDeps = SettleDeps & TaskLeaseDeps & PrepareInputsDeps & UpstreamMediaDeps & Pick<AppDeps, 'scratch'>;

export interface StepOptions {
  /** Least time between two polls of an upstream engine (an engine may also wait inside poll). */
  pollIntervalMs: number;
  /** Shutting down: hand the task back once it can resume elsewhere (`started`), or at once (`deadline`). */
  drain?: { started: AbortSignal; deadline: AbortSignal };
}

function toFailure(e: unknown): Failure {
  if (e instanceof AppError) return { code: e.code, message: e.message, reason: e.reason } as Failure;
  return { code: 'internal', message: 'The render failed unexpectedly', reason: 'engine_error' };
}

/** Where an attempt stores its result: one name per attempt, so attempts never overwrite each other. */
const resultKeyOf = (taskId: string, attempt: number) => `results/${taskId}-${attempt}.mp4`;

/** Exponential backoff between attempts: 2 s, 4 s, 8 s ... at most a minute. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(1, attempts));
}

/**
 * Waits ms, or less when the signal aborts; never rejects. Node's timer drops its abort listener when it
 * fires: a task polled for minutes waits on one signal thousands of times.
 */
export const sleepUnlessAborted = (ms: number, signal: AbortSignal): Promise<void> =>
  delay(ms, undefined, { signal }).catch(() => undefined);

/**
 * One unit of work: claim a task of this engine with a lease, fetch and check its media, run the
 * engine while heartbeating, store the MP4 and compare-and-set the task to completed (which settles
 * the hold in the same transaction). A crash anywhere leaves the lease to expire and the next claim
 * resumes the task from its saved engine state; only the lease owner can complete it.
 */
export async function runTaskStep(
  deps: RunTaskStepDeps,
  engine: Engine,
  workerId: string,
  opts: StepOptions,
  onClaimed: () => void = () => undefined,
): Promise<StepOutcome> {
  const task = await deps.tasks.claimTask({ workerId, nowMs: deps.clock.nowMs(), leaseMs: deps.leaseMs, engines: [engine.id] });
  if (!task) return 'idle';
  // There may be more work: let another idle slot look (claims chain until the queue is empty).
  onClaimed();
  // Every line about this task carries its id.
  deps = { ...deps, log: deps.log.child({ taskId: task.id, workerId }) };
  deps.events.publish({ taskId: task.id, status: 'processing', progress: task.progress });
  recordTaskStart(deps, task);
  // Claimed again: no earlier attempt can complete the task any more, so a result one of them stored
  // before dying ahead of its completing commit belongs to nothing; nothing else would ever remove it.
  for (let attempt = 1; attempt < task.attempts; attempt++) await deps.blobs.delete(resultKeyOf(task.id, attempt));
  if (task.attempts > maxAttempts) {
    await fail(deps, task, workerId, { code: 'internal', message: `Gave up after ${maxAttempts} attempts`, reason: 'too_many_attempts' });
    return 'failed';
  }
  const lease = new TaskLease(deps, task, workerId);
  if (opts.drain) lease.handBackOn(opts.drain.deadline);
  // This run's media and the engine's output: local files, gone when the run ends however it ends.
  const scratchDir = await deps.scratch.makeDir(task.id);
  try {
    const step = await drive(deps, engine, lease, scratchDir, opts);
    if (lease.handedBack) return handBack(deps, task, workerId, lease.progress);
    if (lease.lost) return 'lost';
    switch (step.kind) {
      case 'running':
        return 'lost';
      case 'wait': {
        const nowMs = deps.clock.nowMs();
        const requeued = await deps.tasks.releaseTask(task.id, workerId, nowMs, nowMs + step.retryAfterMs, { countAttempt: false });
        if (requeued) deps.events.publish({ taskId: task.id, status: 'pending', progress: lease.progress });
        return 'requeued';
      }
      case 'failed':
        // The engine may decline a retry the catalogue allows (an operator's setting), never retry a permanent reason.
        return step.retryable && isRetryable(step.error.reason) ? retry(deps, task, workerId, step.error) : failOutcome(deps, task, workerId, step.error);
      case 'done':
        return await complete(deps, task, workerId, step.output);
    }
  } catch (e) {
    if (lease.handedBack) return handBack(deps, task, workerId, lease.progress);
    if (lease.lost) return 'lost';
    const error = toFailure(e);
    // Bad media, bad parameters, moderation: the catalogue calls them permanent, retrying cannot help.
    if (!isRetryable(error.reason) || task.attempts >= maxAttempts) return failOutcome(deps, task, workerId, error);
    deps.log.warn({ attempt: task.attempts, err: String(e) }, 'task attempt failed; retrying');
    return retry(deps, task, workerId, error);
  } finally {
    lease.stop();
    await deps.scratch.remove(scratchDir).catch((e) => deps.log.warn({ err: String(e) }, 'scratch folder not removed'));
  }
}

/** Starts or resumes the engine and polls it until it stops running (or the lease is lost). */
async function drive(deps: RunTaskStepDeps, engine: Engine, lease: TaskLease, scratchDir: string, opts: StepOptions): Promise<EngineStep> {
  const { task } = lease;
  const job: EngineJob = {
    taskId: task.id,
    request: task.request,
    inputs: engine.needsLocalInputs ? await prepareInputs(deps, task, scratchDir, lease.abort.signal) : {},
    mediaUrls: engine.needsLocalInputs ? {} : await upstreamMediaUrls(deps, task),
    outputPath: path.join(scratchDir, 'output.mp4'),
  };
  const ctx = lease.context();
  let step = task.engineState ? await engine.poll(job, task.engineState, ctx) : await engine.start(job, ctx);
  while (step.kind === 'running' && !lease.lost && !lease.handedBack) {
    lease.setProgress(step.progress);
    await lease.beat(step.state);
    // Its state is saved: another worker resumes it from here.
    if (opts.drain?.started.aborted) {
      lease.handBack();
      break;
    }
    const started = Date.now();
    const state = step.state;
    step = await engine.poll(job, state, ctx);
    const elapsedMs = Date.now() - started;
    if (step.kind === 'running' && elapsedMs < opts.pollIntervalMs) await sleepUnlessAborted(opts.pollIntervalMs - elapsedMs, lease.abort.signal);
  }
  return step;
}

async function complete(deps: SettleDeps & Pick<AppDeps, 'prober'>, task: Task, workerId: string, output: EngineOutput): Promise<StepOutcome> {
  let probe;
  try {
    probe = await deps.prober.probe(output.path);
  } catch (e) {
    return retry(deps, task, workerId, { code: 'internal', message: `The engine's output is not a readable video: ${String(e)}`, reason: 'bad_output' });
  }
  const blobKey = resultKeyOf(task.id, task.attempts);
  try {
    await deps.blobs.putFile(blobKey, output.path, { contentType: 'video/mp4' });
  } catch (e) {
    // Not completed (and so not charged) without its file: the attempt is retried, as for an engine fault.
    deps.log.warn({ err: String(e), cause: e instanceof Error && e.cause ? String(e.cause) : undefined }, 'storing the result failed');
    await deps.blobs.delete(blobKey).catch(() => undefined);
    return retry(deps, task, workerId, toFailure(storageUnavailable()));
  }
  const outputSeconds = probe.durationSeconds ?? output.durationSeconds;
  // Billed at the per-second price quoted at submit, per second actually billed: the engine's count
  // (the upstream's usage, or the local engine's from probed inputs), else the model's rule on what is known.
  const billedSeconds = output.billedSeconds ?? billedSecondsOf(task.request, { outputSeconds });
  const costMinor = billedCostMinor(task.quoteMinor, holdSecondsOf(task.request), billedSeconds);
  const result = {
    blobKey,
    width: probe.width ?? output.width,
    height: probe.height ?? output.height,
    durationSeconds: outputSeconds,
    fps: output.fps,
    bytes: probe.bytes,
  };
  const won = await deps.tasks.completeTask(task.id, workerId, deps.clock.nowMs(), result, costMinor, output.actualPrompt ?? null);
  if (!won) {
    await deps.blobs.delete(blobKey);
    return 'lost';
  }
  deps.events.publish({ taskId: task.id, status: 'completed', progress: 100 });
  recordTaskEnd(deps, task, 'completed', deps.clock.nowMs(), costMinor);
  deps.log.info({}, 'task completed');
  return 'completed';
}

/** Shutting down: back to the queue, available at once, the attempt not counted (the next claim resumes it). */
async function handBack(deps: SettleDeps, task: Task, workerId: string, progress: number): Promise<StepOutcome> {
  const nowMs = deps.clock.nowMs();
  const released = await deps.tasks.releaseTask(task.id, workerId, nowMs, nowMs, { countAttempt: false });
  if (!released) return 'lost';
  deps.events.publish({ taskId: task.id, status: 'pending', progress });
  deps.notifyWork();
  deps.log.info({}, 'task handed back (shutting down)');
  return 'requeued';
}

/** Back to the queue for another attempt, or failed when the attempts are used up. */
async function retry(deps: SettleDeps, task: Task, workerId: string, error: Failure): Promise<StepOutcome> {
  if (task.attempts >= maxAttempts) return failOutcome(deps, task, workerId, error);
  const nowMs = deps.clock.nowMs();
  const released = await deps.tasks.releaseTask(task.id, workerId, nowMs, nowMs + retryDelayMs(task.attempts), { countAttempt: true });
  if (released) deps.log.warn({ reason: error.reason }, 'task will be retried');
  return released ? 'retry' : 'lost';
}

async function failOutcome(deps: SettleDeps, task: Task, workerId: string, error: Failure): Promise<StepOutcome> {
  return (await fail(deps, task, workerId, error)) ? 'failed' : 'lost';
}

async function fail(deps: SettleDeps, task: Task, workerId: string, error: Failure): Promise<boolean> {
  const nowMs = deps.clock.nowMs();
  const ok = await deps.tasks.failTask(task.id, ['processing'], workerId, nowMs, error);
  if (ok) {
    deps.events.publish({ taskId: task.id, status: 'failed', progress: task.progress });
    recordTaskEnd(deps, task, 'failed', nowMs, 0);
    deps.log.info({ reason: error.reason }, 'task failed');
  }
  return ok;
}
