import { setMaxListeners } from 'node:events';
import { runTaskStep, type RunTaskStepDeps, type StepOutcome } from '../app/run-task-step.js';
import { newId } from '../domain/ids.js';
import type { Engine } from '../domain/ports.js';

export interface WorkerPool {
  /** Wakes one idle slot of every engine (a task was just submitted). */
  wake(): void;
  /** Stops claiming; waits up to graceMs for running steps (their leases cover the rest). */
  stop(graceMs?: number): Promise<void>;
  /**
   * Graceful shutdown: stops claiming; a task that can resume elsewhere (its engine state is saved) is
   * handed back at its next heartbeat, any other may finish within taskGraceMs and is handed back then.
   * Resolves when every slot has stopped.
   */
  drain(taskGraceMs: number): Promise<void>;
}

export interface PoolOptions {
  idlePollMs: number;
  pollIntervalMs: number;
}

/**
 * For every engine, `capacity` slots, each looping over runTaskStep. Idle slots sleep; one of them
 * per engine polls the store every idlePollMs (work from another process, expired leases, retries
 * whose backoff ran out), so a thousand idle upstream slots cost one query per period. A slot that
 * claims a task wakes one more, so a burst of submissions drains at full width.
 */
export function startWorkerPool(deps: RunTaskStepDeps, engines: Engine[], opts: PoolOptions): WorkerPool {
  let stopping = false;
  const drainStarted = new AbortController();
  const drainDeadline = new AbortController();
  // Every running task listens for the drain (removed when its run ends): one per slot, no cap (not a leak).
  setMaxListeners(0, drainStarted.signal, drainDeadline.signal);
  const stepOptions = { pollIntervalMs: opts.pollIntervalMs, drain: { started: drainStarted.signal, deadline: drainDeadline.signal } };
  const sleepers = new Map<string, (() => void)[]>(engines.map((e) => [e.id, []]));
  // Wake-ups that found no slot asleep (every slot was claiming or running). A slot whose claim was
  // already under way when the task committed finds nothing; this makes it look once more before it
  // sleeps, instead of leaving the new task until the next idle poll.
  const missedWakes = new Map<string, number>(engines.map((e) => [e.id, 0]));
  const pollers = new Set<string>();

  /** Wakes one sleeping slot of the engine; false when none was asleep. */
  const wakeOne = (engineId: string): boolean => {
    const sleeper = sleepers.get(engineId)?.shift();
    sleeper?.();
    return sleeper !== undefined;
  };
  const wakeAll = () => {
    for (const list of sleepers.values()) for (const w of list.splice(0)) w();
  };
  const idle = (engineId: string) =>
    new Promise<void>((resolve) => {
      const missed = missedWakes.get(engineId) ?? 0;
      if (missed > 0) {
        missedWakes.set(engineId, missed - 1);
        return resolve();
      }
      const polls = !pollers.has(engineId);
      if (polls) pollers.add(engineId);
      const timer = polls ? setTimeout(done, opts.idlePollMs) : undefined;
      const list = sleepers.get(engineId)!;
      function done() {
        clearTimeout(timer);
        if (polls) pollers.delete(engineId);
        const i = list.indexOf(done);
        if (i >= 0) list.splice(i, 1);
        resolve();
      }
      // The poller sleeps at the back so a wake-up goes to a sleeper that does not poll anyway.
      if (polls) list.push(done);
      else list.unshift(done);
    });

  const slot = async (engine: Engine, workerId: string) => {
    while (!stopping) {
      let outcome: StepOutcome;
      try {
        outcome = await runTaskStep(deps, engine, workerId, stepOptions, () => wakeOne(engine.id));
      } catch (err) {
        // A store outage must not kill the slot: log, back off, try again.
        deps.log.error({ err: String(err), workerId }, 'worker step crashed');
        outcome = 'idle';
      }
      if ((outcome === 'idle' || outcome === 'requeued') && !stopping) await idle(engine.id);
    }
  };
  const running = engines.flatMap((engine) =>
    Array.from({ length: engine.capacity }, () => slot(engine, newId('wrk'))),
  );

  return {
    wake() {
      for (const e of engines) {
        // More than one look per slot finds nothing more.
        if (!wakeOne(e.id)) missedWakes.set(e.id, Math.min((missedWakes.get(e.id) ?? 0) + 1, e.capacity));
      }
    },
    async stop(graceMs = 10_000) {
      stopping = true;
      wakeAll();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(running), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
    },
    async drain(taskGraceMs) {
      stopping = true;
      wakeAll();
      drainStarted.abort();
      const timer = setTimeout(() => drainDeadline.abort(), taskGraceMs);
      await Promise.all(running);
      clearTimeout(timer);
    },
  };
}
