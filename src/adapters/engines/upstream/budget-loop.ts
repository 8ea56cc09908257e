/**
 * Spends the tokens of a bucket on whatever `pick` says is next, with a cap on calls in flight. The
 * poller (account-poller.ts) decides what to run; this decides when. `step()` runs one decision and waits for
 * its call (tests drive it with a fake clock; `idleReason` then says when to step again); `start()` runs
 * decisions in a loop, sleeping until the next token, the next due time, or a `kick()`.
 */
import type { Clock } from '../../../domain/ports.js';
import type { TokenBucket } from './token-bucket.js';

/** The next call to spend a token on, or the time something becomes due (null: nothing to do). */
export type PickNext<A> = (nowMs: number) => { action: A; run: () => Promise<void> } | { dueInMs: number } | null;

/**
 * Why a step() took nothing: work is ready but the budget lets it run only in `inMs` ('budget'), work
 * becomes due in `inMs` ('due'), or null: nothing until new work arrives.
 */
export type IdleReason = { kind: 'budget' | 'due'; inMs: number } | null;

export interface BudgetLoopOptions<A> {
  bucket: TokenBucket;
  clock: Clock;
  maxInFlight: number;
  pick: PickNext<A>;
  /** Told of every kick (new work), so a caller that steps the loop itself knows to look again. */
  onKick?: () => void;
}

export class BudgetLoop<A> {
  private inFlight = 0;
  private running = false;
  private wake: (() => void) | null = null;
  private waiting: IdleReason = null;
  private held: { action: A; run: () => Promise<void> } | null = null;

  constructor(private readonly o: BudgetLoopOptions<A>) {}

  /**
   * One decision: when there is work and a token is free, spends it and waits for the call. Returns the
   * action taken, or null: nothing to do, or no token yet (the work picked is then held for the next
   * step; `idleReason` says which).
   */
  async step(): Promise<A | null> {
    const now = this.o.clock.nowMs();
    const next = this.held ?? this.o.pick(now);
    this.held = null;
    if (!next || !('action' in next)) {
      this.waiting = next ? { kind: 'due', inMs: next.dueInMs } : null;
      return null;
    }
    const tokenMs = this.o.bucket.msUntilToken(now);
    if (tokenMs > 0) {
      this.held = next;
      this.waiting = { kind: 'budget', inMs: tokenMs };
      return null;
    }
    this.o.bucket.tryTake(now);
    await next.run();
    return next.action;
  }

  /** After a step() that took nothing: why. */
  get idleReason(): IdleReason {
    return this.waiting;
  }

  /** New work: the loop looks again now instead of at its next due time. */
  kick(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
    this.o.onKick?.();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  stop(): void {
    this.running = false;
    this.kick();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const now = this.o.clock.nowMs();
      let waitMs: number | null = null;
      if (this.inFlight >= this.o.maxInFlight) waitMs = 1000;
      else {
        const tokenMs = this.o.bucket.msUntilToken(now);
        if (tokenMs > 0) waitMs = tokenMs;
      }
      if (waitMs === null) {
        const next = this.o.pick(now);
        if (next && 'action' in next) {
          this.o.bucket.tryTake(now);
          this.inFlight++;
          void next.run().finally(() => {
            this.inFlight--;
            this.kick();
          });
          continue;
        }
        waitMs = next ? next.dueInMs : null;
      }
      await new Promise<void>((resolve) => {
        const timer = waitMs === null ? undefined : setTimeout(() => fire(), waitMs);
        timer?.unref?.();
        const fire = () => {
          clearTimeout(timer);
          if (this.wake === fire) this.wake = null;
          resolve();
        };
        this.wake = fire;
      });
    }
  }
}
