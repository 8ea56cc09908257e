import { monotonicFactory } from 'ulid';

export type IdPrefix = 'task' | 'key' | 'req' | 'file' | 'wrk' | 'led' | 'whd';

// Monotonic: ids made in the same millisecond still sort in creation order (cursor pagination).
const nextUlid = monotonicFactory();
// Request ids only label log lines and error envelopes; they need no cryptographic randomness,
// and every request makes one.
const nextRequestUlid = monotonicFactory(Math.random);

/** Prefixed, time-sortable ids: 'task_01J...' (26-char ULID). */
export function newId(prefix: IdPrefix, nowMs: number = Date.now()): string {
  return `${prefix}_${(prefix === 'req' ? nextRequestUlid : nextUlid)(nowMs)}`;
}
