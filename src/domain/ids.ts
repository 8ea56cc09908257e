import { ulid } from 'ulid';

export type IdPrefix = 'task' | 'key' | 'req' | 'file' | 'wrk';

/** Prefixed, time-sortable ids: 'task_01J...' (26-char ULID). */
export function newId(prefix: IdPrefix, nowMs: number = Date.now()): string {
  return `${prefix}_${ulid(nowMs)}`;
}
