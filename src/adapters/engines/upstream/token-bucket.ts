/**
 * The query budget of one upstream account, as a token bucket that holds at most one token. Pure: the
 * caller passes the time.
 *
 * Why one token and a rate below the budget: with capacity 1 and rate r, any window of W seconds sees at
 * most floor(r * W) + 1 requests leave. The upstream counts a sliding one-second window, and requests
 * reach it with some jitter (network, and our own event loop under load), so the window we must respect
 * is a little over one second. At 90 % of the budget (and at least one below it) a window of up to
 * 1.11 s (20/s) holds at most `budget` requests, and no burst ever leaves at once. Longer stalls (a busy
 * event loop, a slow network) can still bunch requests on arrival: call-window.ts bounds those.
 */
export class TokenBucket {
  readonly ratePerSecond: number;
  private tokens = 1;
  private lastMs: number;

  constructor(budgetPerSecond: number, nowMs: number) {
    if (!(budgetPerSecond > 0)) throw new Error('the query budget must be positive');
    this.ratePerSecond = budgetRate(budgetPerSecond);
    this.lastMs = nowMs;
  }

  private refill(nowMs: number): void {
    if (nowMs > this.lastMs) {
      this.tokens = Math.min(1, this.tokens + ((nowMs - this.lastMs) * this.ratePerSecond) / 1000);
      this.lastMs = nowMs;
    }
  }

  /** Takes the token when there is one. */
  tryTake(nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < 1 - 1e-9) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is available (0 when one is). */
  msUntilToken(nowMs: number): number {
    this.refill(nowMs);
    if (this.tokens >= 1 - 1e-9) return 0;
    return Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
  }

  /** Nothing may leave before `untilMs` (the upstream said it was throttling us). */
  pauseUntil(untilMs: number, nowMs: number): void {
    this.refill(nowMs);
    this.tokens = Math.min(this.tokens, 1 - ((untilMs - nowMs) * this.ratePerSecond) / 1000);
  }
}

/** The steady rate that keeps a one-token bucket within `budget` requests in any (slightly jittered) second. */
export function budgetRate(budgetPerSecond: number): number {
  return Math.max(budgetPerSecond / 2, Math.min(budgetPerSecond - 1, budgetPerSecond * 0.9));
}
