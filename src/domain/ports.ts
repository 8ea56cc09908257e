/**
 * The small interfaces the use cases talk through. Adapters implement them; nothing here does I/O.
 * Every store method is async and one transaction, so SQLite and PostgreSQL satisfy the same contract.
 */
import type { Readable } from 'node:stream';
import type { Failure } from './errors.js';
import type { ProbedMedia, MediaKind } from './media-rules.js';
import type { GenerationRequest } from './request.js';
import type { MediaSet } from './request-media.js';
import type { Task, TaskError, TaskResult, TaskStatus } from './task.js';
import type { ApiKey, KeyLimits, LedgerEntry, UsageTotals } from './account.js';

export interface Clock {
  nowMs(): number;
}

// ---------- keys and money ----------

export interface KeyPatch {
  name?: string;
  scopes?: ApiKey['scopes'];
  expiresAtMs?: number | null;
  limits?: Partial<KeyLimits>;
  webhookUrl?: string | null;
  /** true: no balance check; false: the key starts using its balance (0 when it had none). */
  unlimited?: boolean;
}

export type CreditOutcome =
  | { kind: 'ok'; balanceMinor: number }
  | { kind: 'not_found' }
  | { kind: 'unlimited' }
  | { kind: 'negative_balance'; balanceMinor: number }
  /** The balance plus outstanding holds would pass maxBalanceMinor. */
  | { kind: 'balance_too_large'; balanceMinor: number; heldMinor: number };

export interface KeyStore {
  insertKey(key: ApiKey, secretHash: string): Promise<void>;
  findKeyByHash(secretHash: string): Promise<ApiKey | undefined>;
  getKey(id: string): Promise<ApiKey | undefined>;
  listKeys(): Promise<ApiKey[]>;
  updateKey(id: string, patch: KeyPatch, nowMs: number): Promise<ApiKey | undefined>;
  revokeKey(id: string, nowMs: number): Promise<boolean>;
  /** Adds (or with a negative amount removes) balance; never below zero, never past maxBalanceMinor. Writes one ledger entry. */
  creditKey(id: string, amountMinor: number, nowMs: number, note: string): Promise<CreditOutcome>;
}

export interface LedgerQuery {
  keyId?: string;
  fromMs?: number;
  toMs?: number;
  limit: number;
  /** Entries older than this entry id (cursor pagination, newest first). */
  beforeId?: string;
}

export interface LedgerStore {
  listLedger(q: LedgerQuery): Promise<LedgerEntry[]>;
  usageTotals(q: Omit<LedgerQuery, 'limit' | 'beforeId'>): Promise<UsageTotals>;
}

// ---------- tasks ----------

export interface InsertTaskOptions {
  /** Minor units to hold from the key's balance; null when billing is off. */
  holdMinor: number | null;
  /** Most pending tasks the key may have; null = no limit. */
  maxQueued: number | null;
  idempotency?: { key: string; requestHash: string; windowMs: number };
}

export type InsertTaskOutcome =
  | { kind: 'created'; task: Task }
  | { kind: 'existing'; task: Task }
  | { kind: 'idempotency_conflict' }
  | { kind: 'insufficient_balance'; balanceMinor: number; neededMinor: number }
  | { kind: 'queue_full'; queued: number; max: number };

export interface TaskQuery {
  keyId?: string;
  statuses?: TaskStatus[];
  createdFromMs?: number;
  createdToMs?: number;
  /** Tasks created before this task id (cursor pagination, newest first). */
  beforeId?: string;
  limit: number;
}

export interface ClaimOptions {
  workerId: string;
  nowMs: number;
  leaseMs: number;
  /** Only tasks of these engines. */
  engines: string[];
}

/** Terminal outcomes settle the hold in the same transaction as the compare-and-set. */
export interface TaskStore {
  insertTask(task: Task, opts: InsertTaskOptions): Promise<InsertTaskOutcome>;
  getTask(id: string): Promise<Task | undefined>;
  listTasks(q: TaskQuery): Promise<Task[]>;
  /**
   * Atomically takes one claimable task (pending and available, or processing with an expired lease):
   * fair across keys (the key with the fewest running tasks first, then oldest), never past a key's
   * maxRunning. Sets processing, the lease, attempts + 1 and startedAtMs if unset.
   */
  claimTask(opts: ClaimOptions): Promise<Task | undefined>;
  /** Extends the lease and records progress (and engine state when given); false when not the owner. */
  heartbeat(id: string, workerId: string, nowMs: number, leaseMs: number, progress: number, engineState?: string | null): Promise<boolean>;
  /** Gives the task back to the queue (no capacity, or a retry after a transient error) at nowMs; claimable from availableAtMs. */
  releaseTask(id: string, workerId: string, nowMs: number, availableAtMs: number, opts: { countAttempt: boolean }): Promise<boolean>;
  /**
   * Takes one slot of a bounded resource (an upstream channel) for the task, if one of the candidates,
   * in order, has fewer processing tasks than its max. Returns the chosen id, or null when all are full.
   * A task keeps its channel while that channel is among the candidates.
   */
  acquireChannel(id: string, workerId: string, candidates: { id: string; max: number }[]): Promise<string | null>;
  /** processing -> completed for the lease owner; captures costMinor, releases the rest of the hold. */
  completeTask(id: string, workerId: string, nowMs: number, result: TaskResult, costMinor: number, actualPrompt: string | null): Promise<boolean>;
  /** One of `from` -> failed (only the lease owner, when workerId is given); releases the hold. */
  failTask(id: string, from: TaskStatus[], workerId: string | null, nowMs: number, error: TaskError): Promise<boolean>;
  /** One of `from` -> cancelled; releases the hold. */
  cancelTask(id: string, from: TaskStatus[], nowMs: number): Promise<boolean>;
  /** Every pending task, ordered by key then id (the queue-position snapshot). */
  listPending(): Promise<{ id: string; keyId: string }[]>;
  /** Pending and processing tasks per engine (metrics); engines with neither are left out. */
  countActive(): Promise<{ engine: string; pending: number; running: number }[]>;
  /** Completed tasks whose result is older than beforeMs and not yet expired (retention sweep). */
  listResultsToExpire(beforeMs: number, limit: number): Promise<Task[]>;
  markResultExpired(id: string, nowMs: number): Promise<boolean>;
}

/** Every store port over one database (SQLite file or PostgreSQL), and its closing. */
export interface Stores {
  tasks: TaskStore;
  keys: KeyStore;
  ledger: LedgerStore;
  files: FileStore;
  webhooks: WebhookStore;
  sessions: SessionStore;
  close(): Promise<void>;
}

// ---------- console sessions ----------

/**
 * A console sign-in. The browser holds only a signed cookie naming it; the key's secret never leaves
 * the login request. Logout deletes the row, so a copied cookie stops working with it.
 */
export interface Session {
  id: string;
  keyId: string;
  createdAtMs: number;
  expiresAtMs: number;
}

export interface SessionStore {
  insertSession(session: Session): Promise<void>;
  getSession(id: string): Promise<Session | undefined>;
  /** Ends a session; false when there was none. */
  deleteSession(id: string): Promise<boolean>;
  /** Forgets sessions that expired at or before nowMs; returns how many. */
  deleteExpiredSessions(nowMs: number): Promise<number>;
}

/** HMAC signatures of short text (console session cookies), under a key of their own purpose. */
export interface TokenSigner {
  sign(payload: string): string;
  verify(payload: string, signature: string): boolean;
}

// ---------- files ----------

export interface StoredFile {
  id: string;
  keyId: string;
  blobKey: string;
  contentType: string;
  kind: MediaKind;
  bytes: number;
  createdAtMs: number;
  expiresAtMs: number;
}

export interface FileStore {
  insertFile(file: StoredFile): Promise<void>;
  getFile(id: string): Promise<StoredFile | undefined>;
  listExpiredFiles(nowMs: number, limit: number): Promise<StoredFile[]>;
  deleteFile(id: string): Promise<void>;
}

// ---------- webhooks (outbox: a delivery row is written with the terminal transition) ----------

export interface WebhookDelivery {
  id: string;
  taskId: string;
  keyId: string;
  url: string;
  /** 'task.completed' | 'task.failed' | 'task.cancelled'; the body is rendered from the task at send time. */
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAtMs: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAtMs: number;
  deliveredAtMs: number | null;
}

export interface WebhookStore {
  /** Due deliveries, leased to this worker so two workers never send the same attempt. */
  claimDueDeliveries(workerId: string, nowMs: number, leaseMs: number, limit: number): Promise<WebhookDelivery[]>;
  recordAttempt(
    id: string,
    workerId: string,
    outcome: { ok: boolean; statusCode: number | null; error: string | null; nextAttemptAtMs: number | null },
    nowMs: number,
  ): Promise<void>;
  listDeliveries(taskId: string): Promise<WebhookDelivery[]>;
  /**
   * Queues a redelivery of the task's terminal event (endpoint "redeliver"), at most one pending at a
   * time: while an earlier redelivery (any delivery after the first) is pending, that one is returned
   * and nothing is written. Returns the delivery that is queued.
   */
  enqueueDelivery(delivery: WebhookDelivery): Promise<WebhookDelivery>;
}

/** What became of one webhook POST. */
export type WebhookPostOutcome =
  | { kind: 'answered'; status: number; retryAfter: string | null }
  /** The SSRF guard refused the address (or the URL): retrying cannot help. */
  | { kind: 'refused'; message: string }
  /** DNS, connect, TLS, timeout, a redirect: the receiver may be back later. */
  | { kind: 'failed'; message: string };

export interface WebhookSender {
  /** POSTs the body through the SSRF guard without following redirects; reads the status, never the body. */
  post(url: string, headers: Record<string, string>, body: string): Promise<WebhookPostOutcome>;
}

// ---------- media ----------

/** A medium fetched to local disk and probed. */
export interface LocalMedia {
  path: string;
  probe: ProbedMedia;
}

export interface MediaFetcher {
  /** Streams the URL to destPath with size and time limits and the SSRF guard; throws AppError on refusal. */
  fetchTo(url: string, destPath: string, opts: { maxBytes: number; param: string; signal?: AbortSignal }): Promise<{ bytes: number; contentType: string | null }>;
}

export interface MediaProber {
  probe(path: string): Promise<ProbedMedia>;
}

export type { MediaKind };

// ---------- blobs ----------

/** What a blob store knows of a stored object. */
export interface BlobStat {
  bytes: number;
  /** An HTTP entity tag, quotes included (weak or strong): changes whenever the content does. */
  etag: string;
  modifiedMs: number;
}

/** Bytes start..end of an object, both included (HTTP Range semantics). */
export interface ByteRange {
  start: number;
  end: number;
}

/** Where finished files live: local disk or an S3-compatible object store, shared by every process. */
export interface BlobStore {
  /** Stores a finished local file under key (the file may be moved away); nothing is visible before it is whole. */
  putFile(key: string, filePath: string, opts?: { contentType?: string }): Promise<void>;
  /** Stores a stream under key; a source that fails leaves nothing under key. */
  putStream(key: string, source: Readable, opts?: { contentType?: string }): Promise<void>;
  /** The object's bytes (all, or a range inside it); undefined when there is no such object. */
  open(key: string, range?: ByteRange): Promise<Readable | undefined>;
  stat(key: string): Promise<BlobStat | undefined>;
  /** Removes the object; a missing one is no error. */
  delete(key: string): Promise<void>;
  /** Keys of every object whose key starts with prefix, in no set order. */
  list(prefix: string): Promise<string[]>;
  /** A short-lived URL that serves the object straight from storage; absent when the store cannot make one. */
  presign?(key: string, expiresInSeconds: number, opts: { contentType: string; filename?: string }): Promise<string>;
  /** Throws when the store cannot be reached (readiness). */
  ping(): Promise<void>;
}

/**
 * This process's local scratch disk: media fetched for a task and engine outputs, kept only while the
 * task runs. Nothing in it is shared with other processes.
 */
export interface ScratchSpace {
  /** A new empty folder for one run of one task; the caller removes it with `remove` when the run ends. */
  makeDir(label: string): Promise<string>;
  remove(dir: string): Promise<void>;
}

export interface UrlSigner {
  /** A URL that serves the blob without an API key until expiresAtMs. */
  signedUrl(blobKey: string, expiresAtMs: number): string;
  verify(blobKey: string, expiresAtMs: number, signature: string, nowMs: number): boolean;
}

// ---------- engines ----------

/** Media fetched and probed to local files (engines with needsLocalInputs). */
export type EngineInputs = MediaSet<LocalMedia>;

/** Media as URLs an upstream can fetch: public URLs as given, our own files as signed URLs. */
export type EngineMediaUrls = MediaSet<string>;

export interface EngineJob {
  taskId: string;
  request: GenerationRequest;
  /** Local files (engines with needsLocalInputs). */
  inputs: EngineInputs;
  /** Fetchable URLs (upstream engines). */
  mediaUrls: EngineMediaUrls;
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
  /** Nothing was submitted (every channel full, or all unhealthy): put the task back in the queue. */
  | { kind: 'wait'; retryAfterMs: number; reason: string }
  | { kind: 'failed'; error: Failure; retryable: boolean };

export interface EngineContext {
  signal: AbortSignal;
  /** Progress in percent, 0..100, as the engine learns it. */
  onProgress(percent: number): void;
  /**
   * Durably records engine state before a side effect (e.g. "about to create upstream"), so a restart
   * can reconcile instead of repeating it. Throws when the worker lost the task.
   */
  saveState(state: string): Promise<void>;
  /** Takes a channel slot for the task (see TaskStore.acquireChannel). */
  acquireChannel(candidates: { id: string; max: number }[]): Promise<string | null>;
}

export type CancelOutcome = 'cancelled' | 'not_cancellable';

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
  /** How many tasks this engine can run at once in this process (the worker's slot count). */
  readonly capacity: number;
  start(job: EngineJob, ctx: EngineContext): Promise<EngineStep>;
  /** Next known state; an upstream engine may wait inside for its shared, budgeted poller. */
  poll(job: EngineJob, state: string, ctx: EngineContext): Promise<EngineStep>;
  /** For a task whose engine state is known; a local render is stopped through the worker's signal. */
  cancel(state: string): Promise<CancelOutcome>;
  /** Stops background work (an upstream engine's pollers) at shutdown. */
  close?(): void;
}

export type { ApiKey, KeyLimits, LedgerEntry, UsageTotals, Task, TaskError, TaskResult, TaskStatus };

// ---------- in-process signals ----------

export interface TaskEvent {
  taskId: string;
  status: TaskStatus;
  progress: number;
}

/**
 * Task changes made in this process (SSE, Prefer: wait, stopping a cancelled local render). Changes
 * made by another process are found by polling the store; this only makes the common case instant.
 */
export interface TaskEvents {
  publish(event: TaskEvent): void;
  subscribe(taskId: string, listener: (event: TaskEvent) => void): () => void;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

export interface RateLimiter {
  /** Takes one request from the key's per-minute budget; returns ms to wait when none is left. */
  take(keyId: string, perMinute: number, nowMs: number): Promise<RateDecision>;
}

// ---------- observability ----------

export type TaskOutcome = 'completed' | 'failed' | 'cancelled';
export type UpstreamCallOutcome = 'ok' | 'throttled' | 'error';
export type WebhookOutcome = 'delivered' | 'retrying' | 'given_up';

/**
 * Counters and timings the service exposes (GET /metrics). Labels are engine ids, modes, outcomes,
 * route patterns, operator-named accounts and currencies: never a key, a prompt or a tenant's name.
 */
export interface Metrics {
  httpRequest(method: string, route: string, status: number, durationMs: number): void;
  taskCreated(engine: string, mode: string): void;
  /** A task's first claim: how long it waited in the queue. */
  taskStarted(engine: string, mode: string, queueWaitMs: number): void;
  /** runMs is null for a task that never started (cancelled while queued). */
  taskEnded(engine: string, mode: string, outcome: TaskOutcome, runMs: number | null, totalMs: number): void;
  /** Replaces the queue gauges with the store's count of queued and running tasks per engine (before each scrape). */
  queueDepth(counts: { engine: string; pending: number; running: number }[]): void;
  upstreamCall(engine: string, account: string, outcome: UpstreamCallOutcome): void;
  webhookDelivery(outcome: WebhookOutcome): void;
  ledgerMovement(kind: 'captured' | 'released', currency: string, amountMinor: number): void;
  /** A request the per-process limiter counted because the shared one (Redis) was unreachable. */
  rateLimitFallback(): void;
  /** Prometheus text exposition of everything above (and the process's own metrics). */
  render(): Promise<{ contentType: string; text: string }>;
}
