/**
 * What the relay engine's create path (create-step.ts) and follow path (follow-step.ts) share: settings
 * resolved once from the options, and the plumbing built in relay-engine.ts.
 */
import type { Clock, MediaFetcher, MediaProber } from '../../../domain/ports.js';
import type { AccountPoller } from '../upstream/account-poller.js';
import type { EngineLog } from '../upstream/step-helpers.js';
import type { RelayApi } from './relay-api.js';

export interface RelayDeps {
  clock: Clock;
  log: EngineLog;
  api: RelayApi;
  /** The one upstream's shared poller: single queries only (no list), in budget. */
  poller: AccountPoller;
  fetcher: MediaFetcher;
  prober: MediaProber;
  maxConcurrent: number;
  /** How soon a create that found the upstream at maxConcurrent tries again. */
  createRetryMs: number;
  /** The upstream honours Idempotency-Key: a create of unknown outcome may be resent with the same key. */
  idempotent: boolean;
  resendForMs: number;
  pollWaitMs: number;
  maxResultBytes: number;
  /** Until when the upstream asked us to hold creates back (429). */
  throttle: { untilMs: number };
}
