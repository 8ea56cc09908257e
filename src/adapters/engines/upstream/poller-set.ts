/**
 * The shared pollers of one upstream engine, one per upstream account. They run in the background; or,
 * `stepped`, only when the caller steps them, so a test drives the whole engine on a stepped clock
 * with no timer of its own deciding when a query leaves.
 */
import type { Engine } from '../../../domain/ports.js';
import { AccountPoller, type PollerOptions } from './account-poller.js';
import type { IdleReason } from './budget-loop.js';

/**
 * One step of every poller: a call ran; or work is ready and the query budget lets it run in `inMs`;
 * or work becomes due in `inMs`; or there is none until new work arrives.
 */
export type PollersStep = { kind: 'ran' } | { kind: 'budget'; inMs: number } | { kind: 'due'; inMs: number } | { kind: 'idle' };

/** An engine that follows its upstream tasks through shared pollers. */
export interface UpstreamEngine extends Engine {
  /** Stops the pollers (tests, shutdown). */
  close(): void;
  /** Stepped pollers only: one decision on each poller. */
  stepPollers(): Promise<PollersStep>;
  /** Stepped pollers only: resolves once a poller has new work (at once if it got some since the last step). */
  nextPollerWork(): Promise<void>;
}

export class PollerSet {
  private readonly pollers = new Map<string, AccountPoller>();
  private workSinceStep = false;
  private waiters: (() => void)[] = [];

  constructor(private readonly stepped: boolean) {}

  get(key: string): AccountPoller | undefined {
    return this.pollers.get(key);
  }

  add(key: string, opts: PollerOptions): AccountPoller {
    const poller = new AccountPoller(this.stepped ? { ...opts, onWork: () => this.noteWork() } : opts);
    this.pollers.set(key, poller);
    if (!this.stepped) poller.start();
    return poller;
  }

  async step(): Promise<PollersStep> {
    if (!this.stepped) throw new Error('these pollers run in the background; only stepped ones are stepped');
    this.workSinceStep = false;
    let ran = false;
    let soonest: IdleReason = null;
    for (const poller of [...this.pollers.values()]) {
      if ((await poller.step()) !== null) ran = true;
      const idle = poller.idleReason();
      // The soonest wait; at a tie the budget's, which is no upstream news to wait for.
      if (idle && (!soonest || idle.inMs < soonest.inMs || (idle.inMs === soonest.inMs && idle.kind === 'budget'))) soonest = idle;
    }
    return ran ? { kind: 'ran' } : (soonest ?? { kind: 'idle' });
  }

  nextWork(): Promise<void> {
    if (this.workSinceStep) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private noteWork(): void {
    this.workSinceStep = true;
    for (const wake of this.waiters.splice(0)) wake();
  }

  stop(): void {
    for (const poller of this.pollers.values()) poller.stop();
  }
}
