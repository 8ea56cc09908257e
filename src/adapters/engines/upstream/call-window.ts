/**
 * The upstream's own rate count, bounded from our side whatever the delays on the way. Pure: the caller
 * passes the time.
 *
 * The upstream counts requests by when they reach it, in a sliding one-second window; a request reaches it
 * somewhere between our send and its answer. The token bucket spaces the sends, but a stalled event loop or
 * a slow network can bunch them on arrival. So a call may leave only while fewer than `limit` calls are in
 * flight or were answered less than `windowMs` ago. Why that holds at the upstream: take any set of calls
 * that arrive within one window, and the last of them to be sent; when it was sent, every other call of
 * the set had been sent and was either still in flight or answered after the window's start (it arrived
 * inside the window, and answers come after arrivals), i.e. less than a window before that send. So the
 * set had at most `limit` members. No jitter, however long, breaks it; a slow upstream only slows us down.
 */
export class CallWindow {
  private inFlight = 0;
  /** Answer times still inside the window, oldest first. */
  private readonly answeredMs: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    if (!(limit >= 1)) throw new Error('the call window needs a limit of at least 1');
  }

  private prune(nowMs: number): void {
    let drop = 0;
    while (drop < this.answeredMs.length && this.answeredMs[drop]! <= nowMs - this.windowMs) drop++;
    if (drop > 0) this.answeredMs.splice(0, drop);
  }

  /** Ms until one more call may leave: 0 now; null when that waits for a call in flight to answer. */
  msUntilFree(nowMs: number): number | null {
    this.prune(nowMs);
    const over = this.inFlight + this.answeredMs.length - this.limit + 1;
    if (over <= 0) return 0;
    if (over > this.answeredMs.length) return null;
    return this.answeredMs[over - 1]! + this.windowMs - nowMs + 1;
  }

  /** Calls in flight or answered within the window. */
  used(nowMs: number): number {
    this.prune(nowMs);
    return this.inFlight + this.answeredMs.length;
  }

  /** A call leaves now (after msUntilFree said 0). */
  begin(): void {
    this.inFlight++;
  }

  /** A call was answered (or failed) at nowMs. */
  end(nowMs: number): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.answeredMs.push(nowMs);
  }
}
