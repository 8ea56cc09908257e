/**
 * Upstream channels (a base URL + key, with a slot count) and their health. A channel that refused a
 * create for its own reasons (bad key, arrears) is set aside for a while; one the upstream throttles is
 * rested until the time it asked for.
 */
import { createHash } from 'node:crypto';
import { apiRoot, type ChannelAuth } from './api.js';

export interface Channel extends ChannelAuth {
  id: string;
  /** Rate-limit group: channels of one cloud account share the query budget. Default: base URL + key. */
  account?: string;
  maxConcurrent: number;
  /** Higher first. */
  priority: number;
  /** Share of the tasks among channels of the same priority. */
  weight: number;
}

/** The account a channel's queries count against; the key itself never appears in it. */
export function accountOf(ch: Channel): string {
  if (ch.account) return ch.account;
  return `${apiRoot(ch.baseUrl)}#${createHash('sha256').update(ch.apiKey).digest('hex').slice(0, 12)}`;
}

/** Priority descending; within one priority a weighted random order (so slots spread by weight). */
export function orderChannels(channels: Channel[], random: () => number = Math.random): Channel[] {
  const byPriority = new Map<number, Channel[]>();
  for (const c of channels) byPriority.set(c.priority, [...(byPriority.get(c.priority) ?? []), c]);
  const out: Channel[] = [];
  for (const p of [...byPriority.keys()].sort((a, b) => b - a)) {
    const pool = [...byPriority.get(p)!];
    while (pool.length > 0) {
      const total = pool.reduce((s, c) => s + Math.max(0, c.weight), 0);
      let i = 0;
      if (total > 0) {
        let r = random() * total;
        i = pool.findIndex((c) => (r -= Math.max(0, c.weight)) < 0);
        if (i < 0) i = pool.length - 1;
      }
      out.push(pool.splice(i, 1)[0]!);
    }
  }
  return out;
}

export class ChannelHealth {
  private readonly brokenUntil = new Map<string, { untilMs: number; reason: string }>();
  private readonly restUntil = new Map<string, number>();
  /** Channel + model -> until when the channel is known not to serve the model ("Model not exist"). */
  private readonly modelMissingUntil = new Map<string, number>();

  /** The channel answered that it has no such model (its region may not offer it): only that model is set aside. */
  markModelMissing(id: string, model: string, untilMs: number): void {
    this.modelMissingUntil.set(`${id}\n${model}`, untilMs);
  }

  /** Not known to lack the model (whatever its other health). */
  mayServe(id: string, model: string, nowMs: number): boolean {
    return (this.modelMissingUntil.get(`${id}\n${model}`) ?? 0) <= nowMs;
  }

  markBroken(id: string, reason: string, untilMs: number): void {
    this.brokenUntil.set(id, { untilMs, reason });
  }

  markThrottled(id: string, untilMs: number): void {
    this.restUntil.set(id, Math.max(untilMs, this.restUntil.get(id) ?? 0));
  }

  /** Usable for a new create now. */
  usable(id: string, nowMs: number): boolean {
    return (this.brokenUntil.get(id)?.untilMs ?? 0) <= nowMs && (this.restUntil.get(id) ?? 0) <= nowMs;
  }

  /** Healthy for queries (throttling is the poller's business). */
  healthy(id: string, nowMs: number): boolean {
    return (this.brokenUntil.get(id)?.untilMs ?? 0) <= nowMs;
  }

  brokenReason(id: string, nowMs: number): string | undefined {
    const b = this.brokenUntil.get(id);
    return b && b.untilMs > nowMs ? b.reason : undefined;
  }

  /** When the first of these channels becomes usable again. */
  nextUsableMs(ids: string[], nowMs: number): number {
    let best = Infinity;
    for (const id of ids) {
      const at = Math.max(this.brokenUntil.get(id)?.untilMs ?? 0, this.restUntil.get(id) ?? 0);
      best = Math.min(best, Math.max(nowMs, at));
    }
    return best;
  }
}
