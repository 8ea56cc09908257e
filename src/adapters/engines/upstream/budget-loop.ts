/**
 * Spends the tokens of a bucket on whatever `pick` says is next, within a call window (call-window.ts)
 * and a cap on calls in flight. The poller (account-poller.ts) decides what to run; this decides when.
 * `step()` runs one decision and waits for its call; `launch()` starts one without waiting (tests drive
 * both with a fake clock; `idleReason` then says when to look again); `start()` runs `launch()` in a
 * loop, sleeping until the next token, the next due time, or a `kick()` (new work, or an answer).
 */
import type { Clock } from '../../../domain/ports.js';
import type { CallWindow } from './call-window.js';
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
  /** The hard cap on calls per window at the upstream, whatever the delays (call-window.ts). */
  window: CallWindow;
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
    const tokenMs = this.msUntilAllowed(now);
    if (tokenMs > 0) {
      this.held = next;
      this.waiting = { kind: 'budget', inMs: tokenMs };
      return null;
    }
    this.o.bucket.tryTake(now);
    await this.spend(next.run);
    return next.action;
  }

  /** Until both the bucket and the window let a call leave (the window waits for an answer: a second). */
  private msUntilAllowed(nowMs: number): number {
    return Math.max(this.o.bucket.msUntilToken(nowMs), this.o.window.msUntilFree(nowMs) ?? 1000);
  }

  private async spend(run: () => Promise<void>): Promise<void> {
    this.o.window.begin();
    try {
      await run();
    } finally {
      this.o.window.end(this.o.clock.nowMs());
    }
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

  /**
   * One decision without waiting for its call, as the background loop takes them: when fewer than
   * maxInFlight calls are out, a token is free and there is work, starts the call. Returns the action
   * started, or null (`idleReason` says why; a full house of calls waits for one to answer: 'budget').
   */
  launch(): A | null {
    const now = this.o.clock.nowMs();
    const allowedMs = this.inFlight >= this.o.maxInFlight ? null : this.msUntilAllowed(now);
    if (allowedMs === null || allowedMs > 0) {
      this.waiting = { kind: 'budget', inMs: allowedMs ?? 1000 };
      return null;
    }
    const next = this.held ?? this.o.pick(now);
    this.held = null;
    if (!next || !('action' in next)) {
      this.waiting = next ? { kind: 'due', inMs: next.dueInMs } : null;
      return null;
    }
    this.o.bucket.tryTake(now);
    this.inFlight++;
    void this.spend(next.run).finally(() => {
      this.inFlight--;
      this.kick();
    });
    return next.action;
  }

  private async loop(): Promise<void> {
    while (this.running) {
      if (this.launch() !== null) continue;
      // Nothing due: sleep until new work (a kick, also an answer) or the due time.
      const waitMs = this.waiting?.inMs ?? null;
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
