/**
 * Drives the reconciliation of creates of unknown outcome (rules: upstream/decide-reconciliation.ts): lists the account's
 * tasks around the attempt, reads the prompts of finished candidates, weighs rivals (other unresolved
 * creates of ours: in this process, and in the store for other processes), then adopts, creates anew,
 * waits, or past the deadline gives up (failing the task: its hold is released) without adopting.
 * Reconciliations run side by side (their calls share the account's budget): a burst of timed-out creates
 * must not queue behind one another while they hold worker slots. Each decides and claims in one
 * synchronous step on the claims as they are then, so two tasks never adopt the same upstream task.
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

/** A look's verdict, when it was taken, and whether the deadline had passed then (the candidates are set aside). */
interface Look {
  verdict: Verdict;
  atMs: number;
  givenUp: boolean;
}

export type RoundResult = { kind: 'step'; step: EngineStep } | { kind: 'adopted'; state: SubmittedState } | { kind: 'not_created' };

/** Prompts read per look at most: a window crowded with unclaimed tasks is read over several rounds. */
const maxPromptReads = 25;
const maxPages = 50;
/** Prompts remembered (oldest forgotten first): enough for every window a reconciliation looks at. */
const maxRememberedPrompts = 10_000;

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
  /** Our task id -> the attempt a list first showed nothing of, and when (a later list confirms it). */
  private readonly notSeen = new Map<string, { attemptId: string; atMs: number }>();
  /** The prompt of a SUCCEEDED upstream task never changes: read once, by whichever look needs it first. */
  private readonly prompts = new Map<string, Promise<string>>();

  constructor(private readonly o: CreateReconcilerOptions) {}

  creating(job: EngineJob, st: CreatingState): void {
    this.unresolved.set(job.taskId, { taskId: job.taskId, account: st.account, sentAtMs: st.sentAtMs, deadlineMs: st.deadlineMs, prompt: job.request.prompt ?? '' });
  }

  resolved(taskId: string): void {
    this.unresolved.delete(taskId);
    this.notSeen.delete(taskId);
  }

  claim(upstreamTaskId: string, taskId: string): void {
    this.claimed.set(upstreamTaskId, taskId);
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
    let look: Look;
    try {
      look = await this.look(job, st, window, poller);
    } catch (e) {
      this.o.log.warn({ taskId: job.taskId, err: String(e) }, 'reconciling an upstream create failed; will look again');
      await sleep(this.o.intervalMs, ctx.signal);
      return running(st);
    }
    const { verdict } = look;
    switch (verdict.kind) {
      case 'adopt': {
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
        this.resolved(job.taskId);
        this.o.log.info({ taskId: job.taskId, upstreamTaskId: verdict.upstreamTaskId }, 'create of unknown outcome reconciled: the upstream had accepted it');
        return { kind: 'adopted', state: sub };
      }
      case 'not_created': {
        // A create that timed out may reach a busy upstream after the list: a list a settle later confirms.
        const seen = this.notSeen.get(job.taskId);
        if (seen?.attemptId !== st.attemptId || look.atMs - seen.atMs < this.o.settleMs) {
          const first = seen?.attemptId === st.attemptId ? seen.atMs : look.atMs;
          this.notSeen.set(job.taskId, { attemptId: st.attemptId, atMs: first });
          await sleep(Math.min(first + this.o.settleMs - look.atMs, this.o.pollWaitMs), ctx.signal);
          return running(st);
        }
        await ctx.saveState(encodeState({ v: 1, phase: 'idle', note: `attempt ${st.attemptId} was not created upstream` }));
        this.resolved(job.taskId);
        this.o.log.info({ taskId: job.taskId }, 'create of unknown outcome reconciled: the upstream had not created it; creating again');
        return { kind: 'not_created' };
      }
      case 'undecided': {
        if (look.givenUp) {
          await ctx.saveState(encodeState({ v: 1, phase: 'abandoned', account: st.account, candidates: verdict.candidates }));
          this.resolved(job.taskId);
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
        const next: CreatingState = { ...st, reconcileSinceMs: st.reconcileSinceMs ?? look.atMs };
        if (st.reconcileSinceMs === undefined) {
          await ctx.saveState(encodeState(next));
          this.o.log.info({ taskId: job.taskId, why: verdict.why }, 'create of unknown outcome not reconciled yet; looking again');
        }
        await sleep(this.o.intervalMs, ctx.signal);
        return running(next);
      }
    }
  }

  /** The prompt of a SUCCEEDED upstream task, read under the account's budget at most once. */
  private promptOf(id: string, poller: AccountPoller, client: PollerClient): Promise<string> {
    let p = this.prompts.get(id);
    if (!p) {
      const read = retrying(() => poller.request(() => client.query(id))).then((view) => view.origPrompt ?? '');
      // A failed read is tried again by the next look.
      read.catch(() => this.prompts.get(id) === read && this.prompts.delete(id));
      this.prompts.set(id, read);
      if (this.prompts.size > maxRememberedPrompts) this.prompts.delete(this.prompts.keys().next().value!);
      p = read;
    }
    return p;
  }

  /**
   * Lists and reads what the decision needs (no lock: other looks of the account run meanwhile), then
   * decides on the claims as they are at that moment and claims what it adopts (or, past the deadline,
   * sets aside) before yielding.
   */
  private async look(job: EngineJob, st: CreatingState, window: { fromMs: number; toMs: number }, poller: AccountPoller): Promise<Look> {
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
    // Prompts already read cost nothing; at most maxPromptReads new ones per look.
    let fresh = 0;
    const toRead = inWindow.filter((e) => owner(e.taskId) === undefined && e.status === 'SUCCEEDED' && (this.prompts.has(e.taskId) || fresh++ < maxPromptReads));
    const prompts = new Map(await Promise.all(toRead.map((e) => this.promptOf(e.taskId, poller, client).then((p) => [e.taskId, p] as const))));

    // From here to the return, nothing yields: claims made by other looks while this one read are seen.
    // A task already recorded as this one's (its "submitted" save was lost): it is ours.
    const mine = inWindow.find((e) => owner(e.taskId) === job.taskId && e.status !== 'FAILED' && e.status !== 'CANCELED');
    if (mine) return this.claimVerdict(job, st, { kind: 'adopt', upstreamTaskId: mine.taskId });
    const open = inWindow.filter((e) => owner(e.taskId) === undefined);
    const unknown = open.filter((e) => e.status === 'SUCCEEDED' && !prompts.has(e.taskId));
    if (unknown.length > 0) {
      const verdict: Verdict = { kind: 'undecided', why: `${unknown.length} of ${open.length} unclaimed upstream tasks in the window still to read`, candidates: open.map((e) => e.taskId) };
      return this.claimVerdict(job, st, verdict);
    }
    const candidates: Candidate[] = open.map((e) => ({ taskId: e.taskId, status: e.status, prompt: prompts.get(e.taskId) }));
    const rivals = new Map<string, UnresolvedCreate>();
    for (const r of [...this.unresolved.values(), ...known.unresolved]) {
      if (r.taskId === job.taskId || r.account !== st.account || rivals.has(r.taskId)) continue;
      if (windowsOverlap(window, { fromMs: r.sentAtMs - this.o.skewMs, toMs: r.deadlineMs + this.o.skewMs })) rivals.set(r.taskId, r);
    }
    return this.claimVerdict(job, st, decideReconciliation(job.request.prompt ?? '', candidates, [...rivals.values()]));
  }

  /** Claims an adopted task, or the candidates of one given up on, at once: no other look may take them. */
  private claimVerdict(job: EngineJob, st: CreatingState, verdict: Verdict): Look {
    const atMs = this.o.clock.nowMs();
    const givenUp = verdict.kind === 'undecided' && atMs - (st.reconcileSinceMs ?? atMs) >= this.o.timeoutMs;
    if (verdict.kind === 'adopt') this.claimed.set(verdict.upstreamTaskId, job.taskId);
    else if (givenUp) for (const c of verdict.candidates) this.claimed.set(c, job.taskId);
    return { verdict, atMs, givenUp };
  }
}
