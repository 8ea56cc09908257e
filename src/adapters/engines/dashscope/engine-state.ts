/**
 * The DashScope engine's durable state (Task.engineState, JSON), saved BEFORE each side effect so a
 * restarted worker knows what may have happened upstream. Pure.
 *
 * - idle:      nothing of ours is live upstream (never created, refused, or the last upstream task
 *              provably ended): start() may create.
 * - creating:  a create was (maybe) sent and its outcome is not known: reconcile, never resubmit blindly.
 * - submitted: the upstream accepted it as `upstreamTaskId`, on `channelId`: follow it there.
 * - abandoned: a create of unknown outcome could not be matched; the listed candidates are kept so no
 *              other task ever adopts them.
 */
import type { UpstreamStatus } from '../upstream/upstream-task.js';

export type EngineState =
  | { v: 1; phase: 'idle'; note?: string }
  | {
      v: 1;
      phase: 'creating';
      channelId: string;
      account: string;
      attemptId: string;
      model: string;
      sentAtMs: number;
      /** The create gives up by then (timeout); the upstream may still have created it just before. */
      deadlineMs: number;
      reconcileSinceMs?: number;
    }
  | {
      v: 1;
      phase: 'submitted';
      channelId: string;
      account: string;
      attemptId: string;
      model: string;
      upstreamTaskId: string;
      sentAtMs: number;
      upstreamStatus: UpstreamStatus | 'UNSEEN';
    }
  | { v: 1; phase: 'abandoned'; account: string; candidates: string[] };

export type CreatingState = Extract<EngineState, { phase: 'creating' }>;
export type SubmittedState = Extract<EngineState, { phase: 'submitted' }>;

export function encodeState(s: EngineState): string {
  return JSON.stringify(s);
}

/** Undefined when the text is not a state this engine wrote. */
export function decodeState(text: string): EngineState | undefined {
  let s: unknown;
  try {
    s = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!s || typeof s !== 'object') return undefined;
  const o = s as Record<string, unknown>;
  if (o.v !== 1) return undefined;
  const isStr = (k: string) => typeof o[k] === 'string' && o[k] !== '';
  const isNum = (k: string) => typeof o[k] === 'number' && Number.isFinite(o[k]);
  switch (o.phase) {
    case 'idle':
      return s as EngineState;
    case 'creating':
      return ['channelId', 'account', 'attemptId', 'model'].every(isStr) && isNum('sentAtMs') && isNum('deadlineMs') ? (s as EngineState) : undefined;
    case 'submitted':
      return ['channelId', 'account', 'upstreamTaskId', 'model'].every(isStr) && isNum('sentAtMs') ? (s as EngineState) : undefined;
    case 'abandoned':
      return isStr('account') && Array.isArray(o.candidates) ? (s as EngineState) : undefined;
    default:
      return undefined;
  }
}

/**
 * Progress from elapsed time: the upstream reports none. Queued: creeps to 5 %. Rendering (typically
 * 1-5 minutes): 5 % -> 95 % along 1 - e^(-t / 90 s). Never 100 before the result is in hand.
 */
export function estimateProgress(status: UpstreamStatus | 'UNSEEN', sentAtMs: number, scheduledAtMs: number | undefined, nowMs: number): number {
  if (status === 'PENDING' || status === 'UNSEEN') return Math.min(5, Math.max(0, ((nowMs - sentAtMs) / 60_000) * 5));
  const since = scheduledAtMs ?? sentAtMs;
  const p = 5 + 90 * (1 - Math.exp(-Math.max(0, nowMs - since) / 90_000));
  return Math.min(95, Math.floor(p));
}
