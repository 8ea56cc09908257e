import { randomBytes, randomInt } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppDeps } from './app/deps.js';
import { QueuePositions } from './app/queue-positions.js';
import { createDashscopeEngine } from './adapters/engines/dashscope/dashscope-engine.js';
import { knownWorkFromStore } from './adapters/engines/dashscope/store-scan.js';
import { createLocalEngine } from './adapters/engines/local/local-engine.js';
import { createRelayEngine } from './adapters/engines/relay/relay-engine.js';
import { createFfprobeProber } from './adapters/media/probe.js';
import { createSafeFetcher } from './adapters/media/safe-fetch.js';
import { createWebhookSender } from './adapters/media/webhook-sender.js';
import type { Logger as PinoLogger } from 'pino';
import { createLogger } from './adapters/logging/create-logger.js';
import { createPromMetrics } from './adapters/metrics/prom-metrics.js';
import { createMemoryRateLimiter } from './adapters/signals/memory-rate-limiter.js';
import { createMemoryTaskEvents } from './adapters/signals/memory-task-events.js';
import { createPgTaskEvents } from './adapters/signals/pg-task-events.js';
import { connectRedis, type RedisConnection } from './adapters/signals/redis-client.js';
import { createRedisRateLimiter } from './adapters/signals/redis-rate-limiter.js';
import { createHmacTokenSigner } from './adapters/storage/hmac-token-signer.js';
import { createHmacUrlSigner } from './adapters/storage/hmac-url-signer.js';
import { createLocalDiskStore } from './adapters/storage/local-disk.js';
import { openLocalScratch } from './adapters/storage/local-scratch.js';
import { createS3Store } from './adapters/storage/s3-store.js';
import { openPostgresStore } from './adapters/store-postgres/postgres-store.js';
import { openSqliteStore } from './adapters/store-sqlite/sqlite-store.js';
import type { Config } from './config.js';
import type { Logger, ReadinessCheck } from './app/deps.js';
import type { Clock, Engine, MediaFetcher, MediaProber, Metrics, RateLimiter, TaskStore, UpstreamCallOutcome } from './domain/ports.js';

export interface Services {
  deps: AppDeps;
  /** The process's logger (the HTTP server's request loggers are its children). */
  logger: PinoLogger;
  /** Set once the HTTP server knows its address, so signed URLs work with PORT=0 too. */
  setBaseUrl(url: string): void;
  /** Lets the worker pool hook into task submission. */
  onWork(listener: () => void): void;
  close(): Promise<void>;
}

const systemClock: Clock = { nowMs: () => Date.now() };

/** A signing secret that survives restarts (so issued result URLs stay valid) without any set-up. */
async function loadSigningSecret(config: Config): Promise<string> {
  if (config.signingSecret) return config.signingSecret;
  const file = path.join(config.dataDir, 'signing-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const secret = randomBytes(32).toString('base64url');
    await writeFile(file, secret, { mode: 0o600, flag: 'wx' }).catch(() => undefined);
    return (await readFile(file, 'utf8')).trim();
  }
}

interface EngineParts {
  tasks: TaskStore;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  clock: Clock;
  /** The process's SSRF-guarded fetcher and prober: upstream engines download results through them. */
  fetcher: MediaFetcher;
  prober: MediaProber;
  metrics: Metrics;
}

/** The engine new tasks run on (WANGATE_ENGINE). */
function buildEngine(config: Config, parts: EngineParts): Engine {
  const { fetcher, prober, clock, log, metrics } = parts;
  // An API-only process (no local slots) runs no upstream work either.
  const slots = config.workerConcurrency === 0 ? { slots: 0 } : {};
  if (config.engine === 'dashscope' && config.dashscope) {
    return createDashscopeEngine({
      channels: config.dashscope.channels,
      queryBudgetPerSecond: config.dashscope.queryBudgetPerSecond,
      createTimeoutMs: config.dashscope.createTimeoutMs,
      createRetryMs: config.dashscope.createRetryMs,
      poller: { recheckMs: config.dashscope.recheckMs },
      models: config.dashscope.models,
      fetcher,
      prober,
      clock,
      knownWork: knownWorkFromStore(parts.tasks, 'dashscope'),
      log,
      onUpstreamCall: (account, outcome) => metrics.upstreamCall('dashscope', account, outcome),
      ...slots,
    });
  }
  if (config.engine === 'relay' && config.relay) {
    const onUpstreamCall = (account: string, outcome: UpstreamCallOutcome) => metrics.upstreamCall('relay', account, outcome);
    return createRelayEngine({ ...config.relay, ...slots, fetcher, prober, clock, log, onUpstreamCall });
  }
  return createLocalEngine({ capacity: config.workerConcurrency });
}

/** Every engine this process serves: the configured one, and the local one so older local tasks still finish. */
function allEngines(config: Config, engine: Engine): Map<string, Engine> {
  const engines = new Map<string, Engine>([[engine.id, engine]]);
  if (engine.id !== 'local') engines.set('local', createLocalEngine({ capacity: config.workerConcurrency }));
  return engines;
}

/**
 * Per-minute limits counted in Redis for every API process. Redis unreachable: fail open to counting
 * per process (the API keeps answering; money and queue limits live in the store, not here), with a
 * metric per request so counted and a warning at most every 10 s.
 */
function sharedRateLimiter(redis: RedisConnection, log: Logger, metrics: Metrics): RateLimiter {
  let lastWarnMs = 0;
  return createRedisRateLimiter({
    redis: redis.client,
    fallback: createMemoryRateLimiter(),
    onFallback(err) {
      metrics.rateLimitFallback();
      if (err && Date.now() - lastWarnMs > 10_000) {
        lastWarnMs = Date.now();
        log.warn({ err: err.message }, 'Redis unreachable: per-minute limits counted per process until it answers');
      }
    },
  });
}

/** The one composition root: config -> adapters -> use-case dependencies. */
export async function buildServices(config: Config, opts: { clock?: Clock } = {}): Promise<Services> {
  await mkdir(config.dataDir, { recursive: true });
  // DATABASE_URL: one PostgreSQL shared by every process; else the embedded SQLite file.
  const store = config.databaseUrl ? await openPostgresStore(config.databaseUrl) : openSqliteStore(path.join(config.dataDir, 'wangate.db'), { checkpointIntervalMs: 100 });
  let baseUrl = config.publicBaseUrl ?? `http://localhost:${config.port}`;
  const listeners: (() => void)[] = [];
  const log = createLogger({ level: config.logLevel, pretty: config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY === true) });
  const metrics = createPromMetrics();
  // With PostgreSQL, task events and new work reach every process through LISTEN/NOTIFY.
  const shared = config.databaseUrl ? await createPgTaskEvents(config.databaseUrl, { log }) : undefined;
  shared?.onWork(() => listeners.forEach((l) => l()));
  const redis = config.redisUrl ? await connectRedis(config.redisUrl) : undefined;
  const readinessChecks: ReadinessCheck[] = [{ name: 'store', required: true, check: async () => void (await store.tasks.getTask('task_readiness_probe')) }];
  if (redis) readinessChecks.push({ name: 'redis', required: false, check: () => redis.ping() });
  const clock = opts.clock ?? systemClock;
  const fetcher = createSafeFetcher({ allowLoopback: config.allowLoopbackMedia, timeoutMs: config.mediaFetchTimeoutMs, maxRedirects: 5 });
  const prober = createFfprobeProber();
  const engine = buildEngine(config, { tasks: store.tasks, log, clock, fetcher, prober, metrics });
  const signingSecret = await loadSigningSecret(config);
  // STORAGE_URL=s3://…: every process reads and writes one bucket; else files under DATA_DIR.
  const s3 = config.storage.kind === 's3' ? createS3Store(config.storage) : undefined;
  const blobs = s3 ?? createLocalDiskStore(path.join(config.dataDir, 'blobs'));
  // Object storage is another machine: readiness looks at it (the local disk is this process's own).
  if (s3) readinessChecks.push({ name: 'storage', required: true, check: () => s3.ping() });
  // Scratch left by a crashed run of this process (or another gone process on this disk) is swept here.
  const scratch = await openLocalScratch(config.scratchDir);
  const deps: AppDeps = {
    tasks: store.tasks,
    keys: store.keys,
    ledger: store.ledger,
    files: store.files,
    webhooks: store.webhooks,
    webhookSender: createWebhookSender({ allowLoopback: config.allowLoopbackWebhooks, timeoutMs: config.webhookTimeoutMs }),
    blobs,
    scratch,
    delivery: { mode: config.resultDelivery, redirectUrlTtlSeconds: config.redirectUrlTtlSeconds },
    signer: createHmacUrlSigner(signingSecret, () => baseUrl),
    engine,
    engines: allEngines(config, engine),
    fetcher,
    prober,
    clock,
    events: shared ?? createMemoryTaskEvents(),
    rateLimiter: redis ? sharedRateLimiter(redis, log, metrics) : createMemoryRateLimiter(),
    queuePositions: new QueuePositions({ tasks: store.tasks, clock }),
    prices: config.prices,
    billing: config.billing,
    log,
    metrics,
    lifecycle: { draining: false, readinessChecks },
    leaseMs: config.workerLeaseMs,
    resultUrlTtlMs: config.resultUrlTtlSeconds * 1000,
    retention: { resultsMs: config.resultRetentionMs, uploadsMs: config.uploadRetentionMs, legacyScratch: !s3 },
    publicBaseUrl: config.publicBaseUrl,
    baseUrl: () => baseUrl,
    randomSeed: () => randomInt(0, 2147483647),
    notifyWork: () => {
      listeners.forEach((l) => l());
      shared?.announceWork();
    },
    notifications: {
      webhookRetryDelaysMs: config.webhookRetryDelaysMs,
      webhookTimeoutMs: config.webhookTimeoutMs,
      sseHeartbeatMs: config.sseHeartbeatMs,
      taskWatchPollMs: config.taskWatchPollMs,
    },
    sessions: { store: store.sessions, signer: createHmacTokenSigner(signingSecret, 'console session'), ttlMs: config.consoleSessionMs },
  };
  return {
    deps,
    logger: log,
    setBaseUrl(url) {
      if (!config.publicBaseUrl) baseUrl = url;
    },
    onWork(listener) {
      listeners.push(listener);
    },
    close: async () => {
      for (const e of deps.engines.values()) e.close?.();
      await shared?.close();
      await redis?.close();
      await store.close();
      await scratch.close();
      s3?.close();
    },
  };
}
