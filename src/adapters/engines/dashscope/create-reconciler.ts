/**
 * Drives the reconciliation of creates of unknown outcome (rules: upstream/decide-reconciliation.ts): lists the account's
 * tasks around the attempt, reads the prompts of finished candidates, weighs rivals (other unresolved
 * creates of ours: in this process, and in the store for other processes), then adopts, creates anew,
 * waits, or past the deadline gives up (failing the task: its hold is released) without adopting.
 * One reconciliation at a time per account, so two tasks never adopt the same upstream task.
 */
import type { Clock, EngineContext, EngineJob, EngineStep } from '../../../domain/ports.js';
import type { AccountPoller, PollerClient } from '../upstream/account-poller.js';
import { decideReconciliation, windowsOverlap, type Candidate, type KnownUpstreamWork, type KnownUpstreamWorkSource, type UnresolvedCreate, type Verdict } from '../upstream/decide-reconciliation.js';
import { sleep } from '../upstream/sleep.js';
import type { ListParams, UpstreamListEntry } from '../upstream/upstream-task.js';
import { encodeState, type CreatingState, type SubmittedState } from './engine-state.js';

export interface CreateReconcilerOptions {
  clock: Clock;
  pollerFor(account: string): AccountPoller | undefined;
  clientFor(account: string): PollerClient;
  knownWork: KnownUpstreamWorkSource | undefined;
  settleMs: number;
  intervalMs: number;
  timeoutMs: number;
  skewMs: number;
  pollWaitMs: number;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

export type RoundResult = { kind: 'step'; step: EngineStep } | { kind: 'adopted'; state: SubmittedState } | { kind: 'not_created' };

const maxCandidates = 25;
const maxPages = 50;

/** A call that a flaky network should not fail at once: a few tries, a short pause between them. */
async function retrying<T>(call: () => Promise<T>, tries = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (e) {
      if (i >= tries) throw e;
      await new Promise((r) => setTimeout(r, 200 * i));
    }
  }
}

export class CreateReconciler {
  /** Upstream task id -> our task id, for ids this process created, adopted or set aside. */
  private readonly claimed = new Map<string, string>();
  /** Our task id -> its create still unresolved (in flight, or being reconciled) in this process. */
  private readonly unresolved = new Map<string, UnresolvedCreate>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly o: CreateReconcilerOptions) {}

  creating(job: EngineJob, st: CreatingState): void {
    this.unresolved.set(job.taskId, { taskId: job.taskId, account: st.account, sentAtMs: st.sentAtMs, deadlineMs: st.deadlineMs, prompt: job.request.prompt ?? '' });
  }

  resolved(taskId: string): void {
    this.unresolved.delete(taskId);
  }

  claim(upstreamTaskId: string, taskId: string): void {
    this.claimed.set(upstreamTaskId, taskId);
  }

  private locked<T>(account: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(account) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    this.locks.set(
      account,
      next.catch(() => undefined),
    );
    return next;
  }

  async round(job: EngineJob, ctx: EngineContext, st: CreatingState): Promise<RoundResult> {
    const running = (s: CreatingState): RoundResult => ({ kind: 'step', step: { kind: 'running', progress: 0, state: encodeState(s) } });
    this.creating(job, st);
    const poller = this.o.pollerFor(st.account);
    if (!poller) {
      return {
        kind: 'step',
        step: {
          kind: 'failed',
          retryable: false,
          error: { code: 'upstream_unavailable', reason: 'upstream_channel_removed', message: `No configured channel belongs to the upstream account this task was sent to; its create cannot be reconciled` },
        },
      };
    }
    const settleAt = st.deadlineMs + this.o.settleMs;
    const wait = settleAt - this.o.clock.nowMs();
    if (wait > 0) {
      await sleep(Math.min(wait, this.o.pollWaitMs), ctx.signal);
      if (this.o.clock.nowMs() < settleAt || ctx.signal.aborted) return running(st);
    }
    const window = { fromMs: st.sentAtMs - this.o.skewMs, toMs: st.deadlineMs + this.o.skewMs };
    let verdict: Verdict;
    try {
      verdict = await this.locked(st.account, () => this.look(job, st, window, poller));
    } catch (e) {
      this.o.log.warn({ taskId: job.taskId, err: String(e) }, 'reconciling an upstream create failed; will look again');
      await sleep(this.o.intervalMs, ctx.signal);
      return running(st);
    }
    const now = this.o.clock.nowMs();
    switch (verdict.kind) {
      case 'adopt': {
        this.claimed.set(verdict.upstreamTaskId, job.taskId);
        const sub: SubmittedState = {
          v: 1,
          phase: 'submitted',
          channelId: st.channelId,
          account: st.account,
          attemptId: st.attemptId,
          model: st.model,
          upstreamTaskId: verdict.upstreamTaskId,
          sentAtMs: st.sentAtMs,
          upstreamStatus: 'UNSEEN',
        };
        await ctx.saveState(encodeState(sub));
        this.unresolved.delete(job.taskId);
        this.o.log.info({ taskId: job.taskId, upstreamTaskId: verdict.upstreamTaskId }, 'create of unknown outcome reconciled: the upstream had accepted it');
        return { kind: 'adopted', state: sub };
      }
      case 'not_created':
        await ctx.saveState(encodeState({ v: 1, phase: 'idle', note: `attempt ${st.attemptId} was not created upstream` }));
        this.unresolved.delete(job.taskId);
        this.o.log.info({ taskId: job.taskId }, 'create of unknown outcome reconciled: the upstream had not created it; creating again');
        return { kind: 'not_created' };
      case 'undecided': {
        const since = st.reconcileSinceMs ?? now;
        if (now - since >= this.o.timeoutMs) {
          for (const c of verdict.candidates) this.claimed.set(c, job.taskId);
          await ctx.saveState(encodeState({ v: 1, phase: 'abandoned', account: st.account, candidates: verdict.candidates }));
          this.unresolved.delete(job.taskId);
          return {
            kind: 'step',
            step: {
              kind: 'failed',
              retryable: false,
              error: {
                code: 'upstream_unavailable',
                reason: 'upstream_create_unreconciled',
                message:
                  `The create request to the upstream timed out or was cut, and its task list cannot tell which upstream task (if any) is this one: ${verdict.why}. ` +
                  'The task failed (its hold is released) rather than risk a duplicate or a wrong result.',
              },
            },
          };
        }
        const next: CreatingState = { ...st, reconcileSinceMs: since };
        if (st.reconcileSinceMs === undefined) {
          await ctx.saveState(encodeState(next));
          this.o.log.info({ taskId: job.taskId, why: verdict.why }, 'create of unknown outcome not reconciled yet; looking again');
        }
        await sleep(this.o.intervalMs, ctx.signal);
        return running(next);
      }
    }
  }

  private async look(job: EngineJob, st: CreatingState, window: { fromMs: number; toMs: number }, poller: AccountPoller): Promise<Verdict> {
    const client = this.o.clientFor(st.account);
    const entries: UpstreamListEntry[] = [];
    const params: Omit<ListParams, 'pageNo'> = { startMs: window.fromMs, endMs: window.toMs, modelName: st.model, pageSize: 100 };
    for (let pageNo = 1; pageNo <= maxPages; pageNo++) {
      const page = await retrying(() => poller.request(() => client.list({ ...params, pageNo })));
      entries.push(...page.entries);
      if (pageNo >= page.totalPages || page.entries.length === 0) break;
    }
    const known: KnownUpstreamWork = this.o.knownWork ? await retrying(() => this.o.knownWork!(window.fromMs)) : { claimed: new Map(), unresolved: [] };
    const owner = (id: string) => this.claimed.get(id) ?? known.claimed.get(id);
    const seen = new Set<string>();
    const inWindow = entries.filter((e) => {
      if (seen.has(e.taskId)) return false;
      seen.add(e.taskId);
      return (!e.model || e.model === st.model) && (e.createdAtMs === undefined || (e.createdAtMs >= window.fromMs && e.createdAtMs <= window.toMs));
    });
    // A task already recorded as this one's (its "submitted" save was lost): it is ours.
    const mine = inWindow.find((e) => owner(e.taskId) === job.taskId && e.status !== 'FAILED' && e.status !== 'CANCELED');
    if (mine) return { kind: 'adopt', upstreamTaskId: mine.taskId };
    const open = inWindow.filter((e) => owner(e.taskId) === undefined);
    if (open.length > maxCandidates) return { kind: 'undecided', why: `${open.length} unclaimed upstream tasks in the window`, candidates: open.map((e) => e.taskId) };
    const candidates: Candidate[] = [];
    for (const e of open) {
      let prompt: string | undefined;
      if (e.status === 'SUCCEEDED') {
        const view = await retrying(() => poller.request(() => client.query(e.taskId)));
        prompt = view.origPrompt ?? '';
      }
      candidates.push({ taskId: e.taskId, status: e.status, prompt });
    }
    const rivals = new Map<string, UnresolvedCreate>();
    for (const r of [...this.unresolved.values(), ...known.unresolved]) {
      if (r.taskId === job.taskId || r.account !== st.account || rivals.has(r.taskId)) continue;
      if (windowsOverlap(window, { fromMs: r.sentAtMs - this.o.skewMs, toMs: r.deadlineMs + this.o.skewMs })) rivals.set(r.taskId, r);
    }
    return decideReconciliation(job.request.prompt ?? '', candidates, [...rivals.values()]);
  }
}
