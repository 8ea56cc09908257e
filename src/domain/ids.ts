import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';

export type IdPrefix = 'task' | 'key' | 'req' | 'file' | 'wrk' | 'led' | 'whd' | 'ses';

// Cryptographic randomness drawn 4 KiB at a time: the library's default asks the kernel for one byte
// per character, sixteen system calls per id.
const pool = Buffer.alloc(4096);
let next = pool.length;
function cryptoFraction(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++]! / 256;
}

// Monotonic: ids made in the same millisecond still sort in creation order (cursor pagination).
const nextUlid = monotonicFactory(cryptoFraction);
// Request ids only label log lines and error envelopes; they need no cryptographic randomness.
const nextRequestUlid = monotonicFactory(Math.random);

export { fileIdPattern } from './id-patterns.js';

/** Prefixed, time-sortable ids: 'task_01J...' (26-char ULID). */
export function newId(prefix: IdPrefix, nowMs: number = Date.now()): string {
  return `${prefix}_${(prefix === 'req' ? nextRequestUlid : nextUlid)(nowMs)}`;
}
