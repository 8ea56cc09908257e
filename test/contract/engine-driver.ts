/**
 * Drives an engine as the worker does, on a stepped clock: nothing in a test sleeps. While an engine
 * call is pending the driver steps the engine's background work (an upstream engine's pollers); when
 * nothing is due it waits for the call itself or for new work; only when the engine waits for time to
 * pass does it move the clock, straight to the next due time.
 */
import type { PollersStep, UpstreamEngine } from '../../src/adapters/engines/upstream/poller-set.js';
import { createFfprobeProber } from '../../src/adapters/media/probe.js';
import { createSafeFetcher } from '../../src/adapters/media/safe-fetch.js';
import type { Clock, Engine, EngineContext, EngineJob, EngineStep } from '../../src/domain/ports.js';

export interface SteppedClock extends Clock {
  advance(ms: number): void;
}

export function steppedClock(startMs = Date.now()): SteppedClock {
  let now = startMs;
  return {
    nowMs: () => now,
    advance(ms) {
      now += ms;
    },
  };
}

/** What a task's upstream holds, in the engine-neutral words of the contract. */
export type UpstreamTaskStatus = 'open' | 'succeeded' | 'failed' | 'cancelled';

export interface EngineHarness {
  engine: Engine;
  /** The clock the engine (and a simulated upstream) reads; only the driver moves it. */
  clock: SteppedClock;
  /** Runs the engine's background work that is due now, once. */
  step(): Promise<PollersStep>;
  /** Resolves when background work arrives. */
  nextWork(): Promise<void>;
  /** Before the clock moves on: lets an upstream that works in real time reach its next state. */
  beforeTimePasses?(): Promise<void>;
  /** The tasks created upstream so far (engines with an upstream). */
  upstreamTasks?(): Promise<UpstreamTaskStatus[]>;
  /** Replaces the engine with a new instance on the same upstream, as a restarted process builds it. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** An engine with no background work (the local one). */
export function plainHarness(make: () => Engine): EngineHarness {
  const h: EngineHarness = {
    engine: make(),
    clock: steppedClock(),
    step: async () => ({ kind: 'idle' }),
    nextWork: () => new Promise<void>(() => undefined),
    async restart() {
      h.engine = make();
    },
    async close() {},
  };
  return h;
}

/** The options an upstream engine needs to run under this driver: stepped pollers on `clock`. */
export function steppedUpstreamOptions(clock: SteppedClock) {
  return {
    queryBudgetPerSecond: 20,
    fetcher: createSafeFetcher({ allowLoopback: true, timeoutMs: 30_000, maxRedirects: 2 }),
    prober: createFfprobeProber(),
    clock,
    // poll() returns on news (or abort); stepped time, not a timer, brings the news.
    pollWaitMs: 600_000,
    steppedPollers: true,
  };
}

/** An upstream engine built with steppedUpstreamOptions. */
export function upstreamHarness(o: {
  clock: SteppedClock;
  make: () => UpstreamEngine;
  upstreamTasks: () => Promise<UpstreamTaskStatus[]>;
  beforeTimePasses?: () => Promise<void>;
  close: () => Promise<void>;
}): EngineHarness {
  let engine = o.make();
  return {
    get engine() {
      return engine;
    },
    clock: o.clock,
    step: () => engine.stepPollers(),
    nextWork: () => engine.nextPollerWork(),
    ...(o.beforeTimePasses && { beforeTimePasses: o.beforeTimePasses }),
    upstreamTasks: o.upstreamTasks,
    async restart() {
      engine.close();
      engine = o.make();
    },
    async close() {
      engine.close();
      await o.close();
    },
  };
}

/** The driver itself got stuck (not an engine error): never caught by a test. */
export class DriverError extends Error {}

export interface SettleOptions {
  /** Aborted the first time the engine waits for time to pass; from then on time stands still. */
  abortWhenWaiting?: AbortController;
}

/** Stepped time one engine call may take, and engine calls one job may take, before the driver gives up. */
const maxCallMs = 30 * 60_000;
const maxCalls = 100;

const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs the harness until `call` settles; its value or its error. */
export async function settle<T>(h: EngineHarness, call: Promise<T>, o: SettleOptions = {}): Promise<T> {
  let settled = false;
  const done = call.then(
    () => void (settled = true),
    () => void (settled = true),
  );
  const startMs = h.clock.nowMs();
  const advance = (ms: number) => {
    if (h.clock.nowMs() + ms - startMs > maxCallMs) throw new DriverError(`the engine call did not settle within ${maxCallMs} ms of stepped time`);
    h.clock.advance(ms);
  };
  while (!settled) {
    const s = await h.step();
    if (settled || s.kind === 'ran') continue;
    if (s.kind === 'idle') {
      // Nothing due: the call waits for its own I/O, or for work it is about to hand over.
      await Promise.race([done, h.nextWork()]);
      continue;
    }
    if (s.kind === 'budget') {
      // Work is ready and waits only for the query budget: no news the engine waits for.
      advance(s.inMs);
      continue;
    }
    // Work becomes due later: the call may be waiting for upstream news that needs time to pass.
    await h.beforeTimePasses?.();
    await macrotask();
    if (settled) break;
    const abort = o.abortWhenWaiting;
    if (abort && !abort.signal.aborted) {
      abort.abort();
      continue;
    }
    if (abort) throw new DriverError('the engine kept waiting for time to pass after its signal was aborted');
    advance(s.inMs);
  }
  return call;
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (percent: number) => void;
  /** Resume from this saved engine state instead of starting (as the worker does after a restart). */
  state?: string | null;
  acquireChannel?: EngineContext['acquireChannel'];
}

export interface RunOutcome {
  step: EngineStep;
  progress: number[];
  /** Every state the engine saved, in order. */
  saved: string[];
}

/** A context that records progress and saved states; slots are granted unless `acquireChannel` says otherwise. */
export function recordingContext(o: RunOptions = {}): { ctx: EngineContext; progress: number[]; saved: string[] } {
  const progress: number[] = [];
  const saved: string[] = [];
  const ctx: EngineContext = {
    signal: o.signal ?? new AbortController().signal,
    onProgress: (percent) => {
      progress.push(percent);
      o.onProgress?.(percent);
    },
    saveState: async (s) => {
      saved.push(s);
    },
    acquireChannel: o.acquireChannel ?? (async (candidates) => candidates[0]?.id ?? null),
  };
  return { ctx, progress, saved };
}

/**
 * Start (or resume from `state`), then poll while running, as the worker does; a 'wait' puts the task
 * back until its time has passed, then it is resumed from its last saved state.
 */
export async function runJob(h: EngineHarness, job: EngineJob, o: RunOptions = {}): Promise<RunOutcome> {
  const { ctx, progress, saved } = recordingContext(o);
  let state = o.state ?? null;
  const save = ctx.saveState;
  ctx.saveState = async (s) => {
    await save(s);
    state = s;
  };
  let calls = 0;
  const next = () => {
    // An engine that neither ends nor lets time pass would loop here for ever.
    if (++calls > maxCalls) throw new DriverError(`the job did not end within ${maxCalls} engine calls`);
    return settle(h, state ? h.engine.poll(job, state, ctx) : h.engine.start(job, ctx));
  };
  let step = await next();
  while (step.kind === 'running' || step.kind === 'wait') {
    if (step.kind === 'running') state = step.state;
    else h.clock.advance(step.retryAfterMs);
    step = await next();
  }
  return { step, progress, saved };
}

/** runJob for an engine with no background work (the local one). */
export async function runToEnd(engine: Engine, job: EngineJob, signal?: AbortSignal, onProgress?: (percent: number) => void): Promise<RunOutcome> {
  return runJob(plainHarness(() => engine), job, { ...(signal && { signal }), ...(onProgress && { onProgress }) });
}
