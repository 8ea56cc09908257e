/** When and how long the SDK waits before it resends a request. */

const initialDelayMs = 500;
const maxDelayMs = 8000;
/** A longer Retry-After is not waited out inside one call: the error goes to the caller. */
export const maxRetryAfterMs = 60_000;

/**
 * Statuses worth another try. A request that is not safe to repeat (it may have been applied although
 * the answer was an error) is resent only when the status says it was not processed.
 */
export function isRetryableStatus(status: number, idempotent: boolean): boolean {
  if (status === 408 || status === 429 || status === 503) return true;
  return idempotent && status >= 500;
}

/** Milliseconds the server asks for: `retry-after-ms`, else `Retry-After` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, nowMs = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * The wait before retry number `attempt` (0 for the first retry): the server's Retry-After when it
 * gives one, else exponential backoff with jitter. null: the server asks for longer than one call waits.
 */
export function retryDelayMs(attempt: number, headers?: Headers, random: () => number = Math.random): number | null {
  const hinted = retryAfterMs(headers);
  if (hinted !== undefined) return hinted <= maxRetryAfterMs ? hinted : null;
  const backoff = Math.min(initialDelayMs * 2 ** attempt, maxDelayMs);
  // Up to a quarter less, so clients that failed together do not come back together.
  return backoff * (1 - random() * 0.25);
}
