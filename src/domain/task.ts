import type { GenerationRequest, Mode } from './request.js';

export const taskStatuses = ['pending', 'processing', 'completed', 'failed', 'cancelled'] as const;

export type TaskStatus = (typeof taskStatuses)[number];

export const terminalStatuses: readonly TaskStatus[] = ['completed', 'failed', 'cancelled'];

const allowed: Record<TaskStatus, readonly TaskStatus[]> = {
  pending: ['processing', 'cancelled', 'failed'],
  processing: ['completed', 'failed', 'cancelled', 'pending'],
  completed: [],
  failed: [],
  cancelled: [],
};

export function isTerminal(status: TaskStatus): boolean {
  return terminalStatuses.includes(status);
}

/** The task state machine; the stores refuse any terminal transition it does not allow. */
export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return allowed[from].includes(to);
}

/** What a finished render left in blob storage. */
export interface TaskResult {
  blobKey: string;
  width: number;
  height: number;
  durationSeconds: number;
  fps: number;
  bytes: number;
}

export interface TaskError {
  code: string;
  message: string;
  reason: string;
}

export interface Task {
  id: string;
  keyId: string;
  status: TaskStatus;
  mode: Mode;
  engine: string;
  request: GenerationRequest;
  progress: number;
  createdAtMs: number;
  startedAtMs: number | null;
  completedAtMs: number | null;
  /** Lease: the worker that owns the task until leaseExpiresAtMs; a crashed worker's lease just runs out. */
  leaseOwner: string | null;
  leaseExpiresAtMs: number | null;
  attempts: number;
  /** Price of the request at submit (the hold), integer minor units. */
  quoteMinor: number;
  /** What was captured when the task completed. */
  costMinor: number | null;
  result: TaskResult | null;
  /** Set when retention deleted the result file; the task keeps its metadata. */
  resultExpiredAtMs: number | null;
  error: TaskError | null;
  actualPrompt: string | null;
  /** Engine-private state (e.g. an upstream task id), JSON, so a restarted worker can resume. */
  engineState: string | null;
  /** The upstream channel that accepted the task; it stays there. */
  channelId: string | null;
  /** A pending task is not claimed before this (retry backoff, no capacity). */
  availableAtMs: number;
  /** Where the terminal event is posted (the request's callback_url, else the key's default). */
  callbackUrl: string | null;
  updatedAtMs: number;
}

/** How many times a task may be claimed before a crash loop is declared a failure. */
export const maxAttempts = 5;
