/**
 * What the DashScope engine's create path (create-step.ts) and follow path (follow-step.ts) share:
 * settings resolved once from the options, and the per-account plumbing built in dashscope-engine.ts.
 */
import type { Clock, MediaFetcher, MediaProber } from '../../../domain/ports.js';
import type { AccountPoller } from '../upstream/account-poller.js';
import type { EngineLog } from '../upstream/step-helpers.js';
import type { DashscopeApi } from './api.js';
import type { Channel, ChannelHealth } from './channels.js';
import type { UpstreamModels } from './to-upstream.js';
import type { CreateReconciler } from './create-reconciler.js';

export interface EngineDeps {
  clock: Clock;
  log: EngineLog;
  api: DashscopeApi;
  channels: Channel[];
  health: ChannelHealth;
  reconciler: CreateReconciler;
  fetcher: MediaFetcher;
  prober: MediaProber;
  random: (() => number) | undefined;
  createTimeoutMs: number;
  /** How soon a create that found no channel free to take it tries again. */
  createRetryMs: number;
  /** The upstream model id of each route. */
  models: UpstreamModels;
  pollWaitMs: number;
  unhealthyForMs: number;
  retryFailedUpstream: boolean;
  maxResultBytes: number;
  /** The account's shared poller; undefined when no configured channel belongs to it any more. */
  pollerFor(account: string): AccountPoller | undefined;
}
