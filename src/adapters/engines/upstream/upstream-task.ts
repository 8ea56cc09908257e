/**
 * An upstream task as every upstream engine sees it, whatever the upstream's wire format: its status,
 * what a detail query tells, and what a list of the account's tasks tells. Each engine's parser
 * (dashscope/from-upstream.ts, relay/to-relay.ts) maps its replies to these; the shared poller and
 * result collection read only these. Pure.
 */

export type UpstreamStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELED' | 'UNKNOWN';

export const upstreamStatuses: readonly UpstreamStatus[] = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED', 'UNKNOWN'];
const terminalUpstream: readonly UpstreamStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELED', 'UNKNOWN'];

export function isTerminalUpstream(s: UpstreamStatus): boolean {
  return terminalUpstream.includes(s);
}

/** Still to be followed: not seen upstream yet (our poller's 'UNSEEN'), or seen and not ended. */
export function isOpenUpstream(s: UpstreamStatus | 'UNSEEN'): s is 'UNSEEN' | 'PENDING' | 'RUNNING' {
  return s === 'UNSEEN' || !isTerminalUpstream(s);
}

/** One upstream task as a detail query describes it. */
export interface UpstreamTaskView {
  taskId: string;
  status: UpstreamStatus;
  videoUrl?: string;
  /** usage.duration: the seconds the upstream bills. */
  billedSeconds?: number;
  actualPrompt?: string;
  /** The prompt as submitted (orig_prompt), used to match a task after a create of unknown outcome. */
  origPrompt?: string;
  errorCode?: string;
  errorMessage?: string;
  submittedAtMs?: number;
  scheduledAtMs?: number;
  endedAtMs?: number;
  /** Percent, when the upstream reports it (DashScope does not; a relayed gateway does). */
  progress?: number;
}

/** One row of the batch list. */
export interface UpstreamListEntry {
  taskId: string;
  status: UpstreamStatus;
  model?: string;
  createdAtMs?: number;
  startedAtMs?: number;
  endedAtMs?: number;
}

export interface UpstreamListPage {
  entries: UpstreamListEntry[];
  total: number;
  pageNo: number;
  pageSize: number;
  totalPages: number;
}

/** A filter on the account's task list (an upstream that has one). */
export interface ListParams {
  startMs?: number;
  endMs?: number;
  status?: Exclude<UpstreamStatus, 'UNKNOWN'>;
  modelName?: string;
  pageNo: number;
  /** At most 100. */
  pageSize: number;
}
