/**
 * The relay engine's durable state (Task.engineState, JSON), saved BEFORE each side effect. Pure.
 *
 * - idle:      nothing of ours is live upstream; the next create uses generation gen + 1 (a new key).
 * - creating:  a create with this Idempotency-Key and this exact body was (maybe) sent.
 * - submitted: the upstream accepted it as `upstreamTaskId`: follow it.
 */
import type { UpstreamStatus } from '../upstream/upstream-task.js';
import type { RelayCreateBody } from './to-relay.js';

export type RelayState =
  | { v: 1; engine: 'relay'; phase: 'idle'; gen: number; note?: string }
  | { v: 1; engine: 'relay'; phase: 'creating'; gen: number; key: string; body: RelayCreateBody; firstSentAtMs: number }
  | { v: 1; engine: 'relay'; phase: 'submitted'; gen: number; upstreamTaskId: string; sentAtMs: number; upstreamStatus: UpstreamStatus | 'UNSEEN' };

export type RelayCreatingState = Extract<RelayState, { phase: 'creating' }>;
export type RelaySubmittedState = Extract<RelayState, { phase: 'submitted' }>;

/** Undefined when the text is not a state this engine wrote. */
export function decodeRelayState(text: string): RelayState | undefined {
  try {
    const s = JSON.parse(text) as RelayState;
    return s && s.v === 1 && s.engine === 'relay' && typeof s.gen === 'number' ? s : undefined;
  } catch {
    return undefined;
  }
}

export const encodeRelayState = (s: RelayState): string => JSON.stringify(s);
