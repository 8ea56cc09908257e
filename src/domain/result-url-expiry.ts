/** The rounding window of signed result URLs: a 24th of their lifetime (1 h for the 24 h default), whole seconds. */
export function resultUrlWindowMs(ttlMs: number): number {
  return Math.max(1000, Math.round(ttlMs / 24 / 1000) * 1000);
}

/**
 * When a signed result URL made now expires: the TTL from now, rounded up to the next window boundary.
 * Every read within one window gets the same URL (caches and players keep it), and no URL lives longer
 * than the TTL plus one window.
 */
export function roundResultUrlExpiry(nowMs: number, ttlMs: number): number {
  const windowMs = resultUrlWindowMs(ttlMs);
  return Math.ceil((nowMs + ttlMs) / windowMs) * windowMs;
}
