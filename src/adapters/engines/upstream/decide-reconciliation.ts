/**
 * Reconciling a create of unknown outcome (timed out, cut after sending, crashed mid-create). Pure.
 *
 * The batch list shows the account's tasks by creation time and model only (no prompt, no parameters);
 * a detail query of a SUCCEEDED task shows its original prompt (orig_prompt). So:
 * - candidates: listed tasks of the model created in the attempt's window that no task of ours owns;
 * - a candidate that ended without a result (FAILED, CANCELED) needs no owner: whoever sent it may create
 *   again, since that upstream task provably ended;
 * - a SUCCEEDED candidate with another prompt is not ours;
 * - rivals: other tasks of ours whose creates on the same account are unresolved in an overlapping window.
 * Adopt only an exact prompt match no rival could share, or the single candidate when there is no rival at
 * all; with no candidate left, nothing was created and a new create is safe; otherwise wait (running
 * candidates end, rivals resolve) and, past a deadline, give up without adopting anything.
 */
import { isTerminalUpstream, type UpstreamStatus } from './upstream-task.js';

export interface Candidate {
  taskId: string;
  status: UpstreamStatus;
  /** The prompt it was created with; undefined while unknown (not SUCCEEDED yet). '' = no prompt. */
  prompt: string | undefined;
}

export interface Rival {
  /** Our task id. */
  taskId: string;
  prompt: string;
}

export type Verdict =
  | { kind: 'adopt'; upstreamTaskId: string }
  | { kind: 'not_created' }
  | { kind: 'undecided'; why: string; candidates: string[] };

export function decideReconciliation(ourPrompt: string, candidates: Candidate[], rivals: Rival[]): Verdict {
  const live = candidates.filter((c) => !isTerminalUpstream(c.status) || c.status === 'SUCCEEDED');
  const relevant = live.filter((c) => c.prompt === undefined || c.prompt === ourPrompt);
  if (relevant.length === 0) return { kind: 'not_created' };
  const definite = relevant.filter((c) => c.prompt !== undefined);
  const possible = relevant.filter((c) => c.prompt === undefined);
  const sameRivals = rivals.filter((r) => r.prompt === ourPrompt);
  if (definite.length === 1 && sameRivals.length === 0) return { kind: 'adopt', upstreamTaskId: definite[0]!.taskId };
  if (definite.length === 0 && possible.length === 1 && rivals.length === 0) return { kind: 'adopt', upstreamTaskId: possible[0]!.taskId };
  const ids = relevant.map((c) => c.taskId);
  if (definite.length > 1) return { kind: 'undecided', why: `${definite.length} upstream tasks have this very prompt`, candidates: ids };
  if (definite.length === 1) return { kind: 'undecided', why: `${sameRivals.length} other task(s) with the same prompt are reconciling too`, candidates: ids };
  return {
    kind: 'undecided',
    why: `${possible.length} upstream task(s) still running could be this one, and ${rivals.length} other create(s) of ours are unresolved in the same window`,
    candidates: ids,
  };
}

/** What our own store knows of this engine's upstream work (the DashScope engine's: dashscope/store-scan.ts). */
export interface KnownUpstreamWork {
  /** Upstream task id -> our task that owns it (or set it aside in an abandoned reconciliation). */
  claimed: Map<string, string>;
  unresolved: UnresolvedCreate[];
}

export interface UnresolvedCreate {
  taskId: string;
  account: string;
  sentAtMs: number;
  deadlineMs: number;
  prompt: string;
}

export type KnownUpstreamWorkSource = (sinceMs: number) => Promise<KnownUpstreamWork>;

export function windowsOverlap(a: { fromMs: number; toMs: number }, b: { fromMs: number; toMs: number }): boolean {
  return a.fromMs <= b.toMs && b.fromMs <= a.toMs;
}
