/**
 * What a failed call to an upstream means for us, whichever upstream it was (each engine classifies its
 * own answers: dashscope/errors.ts, relay/relay-api.ts). Pure.
 *
 * - throttled: back off and try later; nothing was created.
 * - permanent: the request itself is refused: fail at once, never retry.
 * - channel_broken: this key or account cannot serve anyone now; nothing was created.
 * - transient: try again later.
 * - unknown_outcome: a create that may or may not have been accepted: never resent blindly.
 * The upstream's codes are never our reasons: each maps to a catalogued reason (domain/errors.ts).
 */
import type { ReasonOf } from '../../../domain/errors.js';

export type UpstreamFailure =
  | { kind: 'throttled'; retryAfterMs: number; code: string; message: string }
  | { kind: 'permanent'; reason: ReasonOf<'invalid_request'>; code: string; message: string }
  /** modelOnly: the channel lacks the model asked for ("Model not exist"), not the ability to serve others. */
  | { kind: 'channel_broken'; reason: ReasonOf<'upstream_unavailable'>; code: string; message: string; modelOnly?: true }
  | { kind: 'transient'; code: string; message: string }
  | { kind: 'unknown_outcome'; code: string; message: string };

/** A failed upstream call, thrown with its classification (the shared poller backs off on 'throttled'). */
export class UpstreamCallError extends Error {
  constructor(readonly failure: UpstreamFailure) {
    super(failure.message);
    this.name = 'UpstreamCallError';
  }
}
