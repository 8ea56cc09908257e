/**
 * The small interfaces the use cases talk through. Adapters implement them; nothing here does I/O.
 * Every store method is async so the PostgreSQL store can satisfy the same contract as SQLite.
 */
import type { ProbedMedia, MediaKind } from './media-rules.js';
import type { GenerationRequest } from './request.js';
import type { Task, TaskError, TaskResult, TaskStatus } from './task.js';

export interface Clock {
  nowMs(): number;
}

// ---------- stores ----------

export interface ApiKey {
  id: string;
  name: string;
  /** First characters of the secret, shown in lists so a key can be recognised. */
  prefix: string;
  scopes: ('admin' | 'user')[];
  createdAtMs: number;
  expiresAtMs: number | null;
  revokedAtMs: number | null;
}

export interface KeyStore {
  insertKey(key: ApiKey, secretHash: string): Promise<void>;
  findKeyByHash(secretHash: string): Promise<ApiKey | undefined>;
  getKey(id: string): Promise<ApiKey | undefined>;
  listKeys(): Promise<ApiKey[]>;
  revokeKey(id: string, nowMs: number): Promise<boolean>;
}

export interface TaskStore {
  insertTask(task: Task): Promise<void>;
  getTask(id: string): Promise<Task | undefined>;
  /**
   * Atomically takes the oldest claimable task (pending, or processing with an expired lease), sets
   * status processing, leaseOwner, leaseExpiresAtMs = nowMs + leaseMs, attempts + 1, startedAtMs if unset.
   */
  claimTask(workerId: string, nowMs: number, leaseMs: number): Promise<Task | undefined>;
  /** Extends the lease and records progress; false when the worker no longer owns the task. */
  heartbeat(id: string, workerId: string, nowMs: number, leaseMs: number, progress: number, engineState?: string | null): Promise<boolean>;
  /** Compare-and-set processing -> completed, only for the lease owner. */
  completeTask(id: string, workerId: string, nowMs: number, result: TaskResult, costMinor: number, actualPrompt: string | null): Promise<boolean>;
  /** Compare-and-set from one of `from` -> failed; with workerId, only for the lease owner. */
  failTask(id: string, from: TaskStatus[], workerId: string | null, nowMs: number, error: TaskError): Promise<boolean>;
  /** Compare-and-set pending|processing -> cancelled. */
  cancelTask(id: string, nowMs: number): Promise<boolean>;
  /** Number of pending tasks created before this one (0 = next). */
  queuePosition(id: string): Promise<number>;
  /** Ids of tasks that are not terminal (startup report, tests). */
  countByStatus(): Promise<Record<TaskStatus, number>>;
}

// ---------- media ----------

/** A medium fetched to local disk and probed. */
export interface LocalMedia {
  path: string;
  probe: ProbedMedia;
}

export interface MediaFetcher {
  /** Streams the URL to destPath with size and time limits and the SSRF guard; throws AppError on refusal. */
  fetchTo(url: string, destPath: string, opts: { maxBytes: number; param: string; signal?: AbortSignal }): Promise<{ bytes: number }>;
}

export interface MediaProber {
  probe(path: string): Promise<ProbedMedia>;
}

export type { MediaKind };

// ---------- blobs ----------

export interface BlobStore {
  /** Absolute path where a blob with this key lives (created directories included). */
  pathFor(key: string): Promise<string>;
  exists(key: string): Promise<boolean>;
  remove(key: string): Promise<void>;
}

export interface UrlSigner {
  /** A URL that serves the blob without an API key until expiresAtMs. */
  signedUrl(blobKey: string, expiresAtMs: number): string;
  verify(blobKey: string, expiresAtMs: number, signature: string, nowMs: number): boolean;
}

// ---------- engines ----------

export interface EngineInputs {
  firstFrame?: LocalMedia;
  lastFrame?: LocalMedia;
  video?: LocalMedia;
  audio?: LocalMedia;
}

export interface EngineJob {
  taskId: string;
  request: GenerationRequest;
  inputs: EngineInputs;
  /** Where the engine must leave the finished MP4. */
  outputPath: string;
}

export interface EngineOutput {
  path: string;
  width: number;
  height: number;
  durationSeconds: number;
  fps: number;
  actualPrompt?: string;
  /** Seconds the upstream billed, when it says; else the requested duration is billed. */
  billedSeconds?: number;
}

export type EngineStep =
  | { kind: 'running'; progress: number; state: string }
  | { kind: 'done'; output: EngineOutput }
  | { kind: 'failed'; error: TaskError; retryable: boolean };

export interface EngineContext {
  signal: AbortSignal;
  /** Progress in percent, 0..100, as the engine learns it. */
  onProgress(percent: number): void;
}

/**
 * One interface for every engine. A local engine finishes inside start(); an upstream engine returns
 * 'running' with its state (e.g. the upstream task id) and is polled until it ends.
 */
export interface Engine {
  readonly id: string;
  /** What the task shows as its model info; says plainly whether this is the real model. */
  readonly description: string;
  /** Whether the worker must fetch and probe media to local files before start(). */
  readonly needsLocalInputs: boolean;
  start(job: EngineJob, ctx: EngineContext): Promise<EngineStep>;
  poll(job: EngineJob, state: string, ctx: EngineContext): Promise<EngineStep>;
  cancel(state: string): Promise<void>;
}
