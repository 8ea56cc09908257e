import type { PriceTable } from '../domain/pricing.js';
import type { QueuePositions } from './queue-positions.js';
import type {
  BlobStore,
  Clock,
  Engine,
  FileStore,
  KeyStore,
  LedgerStore,
  MediaFetcher,
  Metrics,
  MediaProber,
  RateLimiter,
  ScratchSpace,
  SessionStore,
  TaskEvents,
  TaskStore,
  TokenSigner,
  UrlSigner,
  WebhookSender,
  WebhookStore,
} from '../domain/ports.js';

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  /** A logger whose every line carries these fields (a task's id, a request's id). */
  child(bindings: Record<string, unknown>): Logger;
}

/** One dependency GET /readyz looks at. */
export interface ReadinessCheck {
  name: string;
  /** false: reported, but the process stays ready without it (its users fail open). */
  required: boolean;
  check(): Promise<void>;
}

/** The process's state as load balancers see it. */
export interface Lifecycle {
  /** Set on SIGTERM: not ready, no new work taken. */
  draining: boolean;
  readinessChecks: ReadinessCheck[];
}

export interface Retention {
  resultsMs: number;
  uploadsMs: number;
  /** Storage may hold tasks' scratch folders from versions that kept scratch there (local disk only: object storage came later). */
  legacyScratch: boolean;
}

/** Webhook delivery, event streams and Prefer: wait. */
export interface NotificationSettings {
  /** Delay before each retry of a failed webhook; after the last one the delivery is given up. */
  webhookRetryDelaysMs: readonly number[];
  /** Covers DNS, connect, TLS and the response headers of one webhook POST. */
  webhookTimeoutMs: number;
  /** How often an event stream sends a heartbeat comment. */
  sseHeartbeatMs: number;
  /** How often a watcher (event stream, Prefer: wait) reads the store for another process's changes. */
  taskWatchPollMs: number;
}

/** Console sign-ins: the rows, the cookie signer and how long a sign-in lasts. */
export interface SessionSettings {
  store: SessionStore;
  signer: TokenSigner;
  ttlMs: number;
}

/**
 * Every port and setting a use case may use, wired once by the composition root. A use case takes only
 * the members it uses (a `Pick` of this, named after it: `CreateTaskDeps`), so its signature says what it touches.
 */
export interface AppDeps {
  tasks: TaskStore;
  keys: KeyStore;
  ledger: LedgerStore;
  files: FileStore;
  webhooks: WebhookStore;
  /** Posts webhooks through the SSRF guard. */
  webhookSender: WebhookSender;
  blobs: BlobStore;
  /** This process's local scratch disk (a task's media and engine output while it runs). */
  scratch: ScratchSpace;
  /** stream: downloads flow through this server; redirect: a 302 to a presigned URL of the store (for this long). */
  delivery: { mode: 'stream' | 'redirect'; redirectUrlTtlSeconds: number };
  signer: UrlSigner;
  /** The engine new tasks run on. */
  engine: Engine;
  /** Every engine this process knows, by id (tasks keep the engine they were created with). */
  engines: ReadonlyMap<string, Engine>;
  fetcher: MediaFetcher;
  prober: MediaProber;
  clock: Clock;
  events: TaskEvents;
  rateLimiter: RateLimiter;
  queuePositions: QueuePositions;
  prices: PriceTable;
  /** Off: no holds, no balance checks (the ledger stays empty). */
  billing: boolean;
  log: Logger;
  metrics: Metrics;
  lifecycle: Lifecycle;
  leaseMs: number;
  resultUrlTtlMs: number;
  retention: Retention;
  /** The configured public base URL, for URLs an upstream must fetch; undefined when not set. */
  publicBaseUrl: string | undefined;
  /** The base URL this server answers on (configured, or learned at listen). */
  baseUrl(): string;
  randomSeed(): number;
  /** Wakes idle workers when a task is submitted, so pickup does not wait for the idle poll. */
  notifyWork(): void;
  notifications: NotificationSettings;
  sessions: SessionSettings;
}
