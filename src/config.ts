import { z } from 'zod';
import type { PriceTable } from './domain/pricing.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Environment variables, parsed once. Nothing else reads process.env. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  PUBLIC_BASE_URL: z.string().url().optional(),
  WANGATE_ADMIN_KEY: z.string().min(16).optional(),
  WANGATE_SIGNING_SECRET: z.string().min(16).optional(),
  WANGATE_ENGINE: z.enum(['local']).default('local'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(0).max(64).default(1),
  WORKER_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
  WORKER_IDLE_POLL_MS: z.coerce.number().int().min(10).default(500),
  WORKER_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(1000),
  RESULT_URL_TTL_SECONDS: z.coerce.number().int().min(60).default(24 * 3600),
  /** Results are deleted this long after completion (the seed platform keeps them 72 h). */
  RESULT_RETENTION_HOURS: z.coerce.number().min(0.001).default(72),
  UPLOAD_RETENTION_HOURS: z.coerce.number().min(0.001).default(72),
  /** Off: no holds and no balance checks. */
  WANGATE_BILLING: bool.default(true),
  MEDIA_FETCH_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),
  /** Tests and closed networks opt in to fetching media from loopback; the default refuses it (SSRF guard). */
  WANGATE_ALLOW_LOOPBACK_MEDIA: bool.default(false),
  WANGATE_PRICE_720P: z.coerce.number().min(0).default(0.1),
  WANGATE_PRICE_1080P: z.coerce.number().min(0).default(0.15),
  WANGATE_CURRENCY: z.string().min(3).max(3).default('USD'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  publicBaseUrl: string | undefined;
  adminKey: string | undefined;
  signingSecret: string | undefined;
  engine: 'local';
  workerConcurrency: number;
  workerLeaseMs: number;
  workerIdlePollMs: number;
  workerPollIntervalMs: number;
  resultUrlTtlSeconds: number;
  resultRetentionMs: number;
  uploadRetentionMs: number;
  billing: boolean;
  mediaFetchTimeoutMs: number;
  allowLoopbackMedia: boolean;
  prices: PriceTable;
  logLevel: string;
}

const minorPerMajor = 10_000;

export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid configuration: ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    adminKey: e.WANGATE_ADMIN_KEY,
    signingSecret: e.WANGATE_SIGNING_SECRET,
    engine: e.WANGATE_ENGINE,
    workerConcurrency: e.WORKER_CONCURRENCY,
    workerLeaseMs: e.WORKER_LEASE_MS,
    workerIdlePollMs: e.WORKER_IDLE_POLL_MS,
    workerPollIntervalMs: e.WORKER_POLL_INTERVAL_MS,
    resultUrlTtlSeconds: e.RESULT_URL_TTL_SECONDS,
    resultRetentionMs: Math.round(e.RESULT_RETENTION_HOURS * 3600_000),
    uploadRetentionMs: Math.round(e.UPLOAD_RETENTION_HOURS * 3600_000),
    billing: e.WANGATE_BILLING,
    mediaFetchTimeoutMs: e.MEDIA_FETCH_TIMEOUT_MS,
    allowLoopbackMedia: e.WANGATE_ALLOW_LOOPBACK_MEDIA,
    prices: {
      currency: e.WANGATE_CURRENCY,
      minorPerMajor,
      perSecondMinor: {
        '720P': Math.round(e.WANGATE_PRICE_720P * minorPerMajor),
        '1080P': Math.round(e.WANGATE_PRICE_1080P * minorPerMajor),
      },
    },
    logLevel: e.LOG_LEVEL,
  });
}
