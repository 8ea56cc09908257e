import { randomBytes, randomInt } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import type { AppDeps } from './app/deps.js';
import { createLocalEngine } from './adapters/engines/local/local-engine.js';
import { createFfprobeProber } from './adapters/media/probe.js';
import { createSafeFetcher } from './adapters/media/safe-fetch.js';
import { createMemoryRateLimiter } from './adapters/signals/memory-rate-limiter.js';
import { createMemoryTaskEvents } from './adapters/signals/memory-task-events.js';
import { createHmacUrlSigner } from './adapters/storage/hmac-url-signer.js';
import { createLocalDiskStore } from './adapters/storage/local-disk.js';
import { openSqliteStore } from './adapters/store-sqlite/sqlite-store.js';
import type { Config } from './config.js';
import type { Clock, Engine } from './domain/ports.js';

export interface Services {
  deps: AppDeps;
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

function buildEngine(config: Config): Engine {
  return createLocalEngine({ capacity: config.workerConcurrency });
}

/** The one composition root: config -> adapters -> use-case dependencies. */
export async function buildServices(config: Config, opts: { clock?: Clock } = {}): Promise<Services> {
  await mkdir(config.dataDir, { recursive: true });
  const store = openSqliteStore(path.join(config.dataDir, 'wangate.db'));
  let baseUrl = config.publicBaseUrl ?? `http://localhost:${config.port}`;
  const listeners: (() => void)[] = [];
  const log = pino({ level: config.logLevel });
  const engine = buildEngine(config);
  const deps: AppDeps = {
    tasks: store.tasks,
    keys: store.keys,
    ledger: store.ledger,
    files: store.files,
    webhooks: store.webhooks,
    blobs: createLocalDiskStore(path.join(config.dataDir, 'blobs')),
    signer: createHmacUrlSigner(await loadSigningSecret(config), () => baseUrl),
    engine,
    engines: new Map([[engine.id, engine]]),
    fetcher: createSafeFetcher({ allowLoopback: config.allowLoopbackMedia, timeoutMs: config.mediaFetchTimeoutMs, maxRedirects: 5 }),
    prober: createFfprobeProber(),
    clock: opts.clock ?? systemClock,
    events: createMemoryTaskEvents(),
    rateLimiter: createMemoryRateLimiter(),
    prices: config.prices,
    billing: config.billing,
    log,
    leaseMs: config.workerLeaseMs,
    resultUrlTtlMs: config.resultUrlTtlSeconds * 1000,
    retention: { resultsMs: config.resultRetentionMs, uploadsMs: config.uploadRetentionMs },
    publicBaseUrl: config.publicBaseUrl,
    baseUrl: () => baseUrl,
    randomSeed: () => randomInt(0, 2147483647),
    notifyWork: () => listeners.forEach((l) => l()),
  };
  return {
    deps,
    setBaseUrl(url) {
      if (!config.publicBaseUrl) baseUrl = url;
    },
    onWork(listener) {
      listeners.push(listener);
    },
    close: () => store.close(),
  };
}
