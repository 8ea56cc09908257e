import { z } from 'zod';
import type { PriceTable } from './domain/pricing.js';
import { parseStorageEnv, storageEnvShape, type StorageSettings } from './config-storage.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Environment variables, parsed once. Nothing else reads process.env. */
/** A base URL, kept without trailing slashes so paths can be appended. */
const baseUrlSchema = z
  .string()
  .url()
  .transform((url) => url.replace(/\/+$/, ''));
const dashscopeDefaultUrl = 'https://dashscope.aliyuncs.com';
const upstreamModelSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'a model id such as wan2.7-r2v or wan2.7-r2v-2026-06-12');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  /** postgres://… : tasks, keys and money live in PostgreSQL (shared by processes on several machines) instead of DATA_DIR's SQLite file. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL')
    .optional(),
  ...storageEnvShape,
  /** redis://… : per-minute request limits counted once for every API process (else per process). */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
    .optional(),
  /** Set: GET /metrics, /healthz and /readyz also on this port, without a key (bind it to a private address). */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  /** SIGTERM: the whole drain may take this long; past it (or on a second signal) the process exits at once. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(25_000),
  /** SIGTERM: a running render that cannot resume elsewhere gets this long to finish before it is handed back. */
  SHUTDOWN_TASK_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /** auto: human-readable lines when stdout is a terminal, JSON otherwise. */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  PUBLIC_BASE_URL: baseUrlSchema.optional(),
  WANGATE_ADMIN_KEY: z.string().min(16).optional(),
  WANGATE_SIGNING_SECRET: z.string().min(16).optional(),
  WANGATE_ENGINE: z.enum(['local', 'dashscope', 'relay']).default('local'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(0).max(64).default(1),
  WORKER_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
  WORKER_IDLE_POLL_MS: z.coerce.number().int().min(10).default(500),
  WORKER_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(1000),
  /** Webhook deliveries and retention sweeps: with nothing due, the background loop looks again after this long. */
  MAINTENANCE_IDLE_POLL_MS: z.coerce.number().int().min(10).default(1000),
  /** Signed result URLs: the seed platform promises 72 h (never past the result's retention). */
  RESULT_URL_TTL_SECONDS: z.coerce.number().int().min(60).default(72 * 3600),
  /** Results are deleted this long after completion (the seed platform keeps them 72 h). */
  RESULT_RETENTION_HOURS: z.coerce.number().min(0.001).default(72),
  UPLOAD_RETENTION_HOURS: z.coerce.number().min(0.001).default(72),
  /** Off: no holds and no balance checks. */
  WANGATE_BILLING: bool.default(true),
  /** A whole request (headers and body) must arrive within this: a 100 MB upload at about 1.4 Mbit/s, not a trickle forever. */
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(600_000),
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  MEDIA_FETCH_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),
  /** Tests and closed networks opt in to fetching media from loopback; the default refuses it (SSRF guard). */
  WANGATE_ALLOW_LOOPBACK_MEDIA: bool.default(false),
  /** Tests and closed networks opt in to posting webhooks to loopback; the default refuses it (SSRF guard). */
  WANGATE_ALLOW_LOOPBACK_WEBHOOKS: bool.default(false),
  /** Delays before each webhook retry, comma-separated seconds; the first attempt is immediate. */
  WEBHOOK_RETRY_DELAYS_SECONDS: z
    .string()
    .regex(/^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$/, 'a comma-separated list of seconds')
    .default('5,300,1800,7200,18000,36000,36000'),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Event streams: a comment line this often keeps proxies from closing an idle stream. */
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(10).default(15_000),
  /** Event streams and Prefer: wait look at the store this often for another process's changes. */
  TASK_WATCH_POLL_MS: z.coerce.number().int().min(10).default(1000),
  WANGATE_PRICE_720P: z.coerce.number().min(0).default(0.1),
  WANGATE_PRICE_1080P: z.coerce.number().min(0).default(0.15),
  WANGATE_CURRENCY: z.string().min(3).max(3).default('USD'),
  /** Console sign-ins last this long (never past the key's own expiry). */
  CONSOLE_SESSION_HOURS: z.coerce.number().min(0.01).max(24 * 30).default(12),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** DashScope engine: a JSON array of channels, or the single-channel shorthand below. */
  DASHSCOPE_CHANNELS: z.string().optional(),
  DASHSCOPE_API_KEY: z.string().min(1).optional(),
  DASHSCOPE_BASE_URL: baseUrlSchema.default(dashscopeDefaultUrl),
  DASHSCOPE_MAX_CONCURRENT: z.coerce.number().int().min(1).max(10_000).default(5),
  /** Task queries + list calls per second per Alibaba Cloud account (the upstream allows 20). */
  DASHSCOPE_QUERY_BUDGET_PER_SECOND: z.coerce.number().min(0.1).max(1000).default(20),
  DASHSCOPE_CREATE_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** A create tries again after this when every channel is at its limit or one answered 429 without Retry-After. */
  DASHSCOPE_CREATE_RETRY_MS: z.coerce.number().int().min(10).default(2000),
  /** While few tasks run, each is queried on its own this often (more tasks: list sweeps, within the budget). */
  DASHSCOPE_RECHECK_MS: z.coerce.number().int().min(10).default(1000),
  /** The upstream model id of each route: pin a dated snapshot (e.g. wan2.7-r2v-2026-06-12) without a code change. */
  DASHSCOPE_MODEL_T2V: upstreamModelSchema.default('wan2.7-t2v'),
  DASHSCOPE_MODEL_I2V: upstreamModelSchema.default('wan2.7-i2v'),
  DASHSCOPE_MODEL_R2V: upstreamModelSchema.default('wan2.7-r2v'),
  DASHSCOPE_MODEL_VIDEOEDIT: upstreamModelSchema.default('wan2.7-videoedit'),
  /** Relay engine: another gateway speaking the same Wan2.7 unified-entry API. */
  RELAY_BASE_URL: baseUrlSchema.optional(),
  RELAY_API_KEY: z.string().min(1).optional(),
  RELAY_MAX_CONCURRENT: z.coerce.number().int().min(1).max(10_000).default(5),
  RELAY_QUERY_BUDGET_PER_SECOND: z.coerce.number().min(0.1).max(1000).default(10),
  RELAY_CREATE_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** A create tries again after this while the upstream is at RELAY_MAX_CONCURRENT. */
  RELAY_CREATE_RETRY_MS: z.coerce.number().int().min(10).default(2000),
  /** Each running task is queried this often (within the budget). */
  RELAY_RECHECK_MS: z.coerce.number().int().min(10).default(1000),
  /** true only when the upstream honours Idempotency-Key (e.g. another wangate): a create of unknown outcome is then resent. */
  RELAY_IDEMPOTENT_CREATES: bool.default(false),
});

export interface Config extends StorageSettings {
  port: number;
  host: string;
  dataDir: string;
  /** Set: the PostgreSQL store; unset: the SQLite file in dataDir. */
  databaseUrl: string | undefined;
  /** Set: the shared Redis rate limiter; unset: per-process counting. */
  redisUrl: string | undefined;
  metricsPort: number | undefined;
  metricsHost: string;
  shutdownTimeoutMs: number;
  shutdownTaskGraceMs: number;
  logFormat: 'auto' | 'json' | 'pretty';
  publicBaseUrl: string | undefined;
  adminKey: string | undefined;
  signingSecret: string | undefined;
  engine: 'local' | 'dashscope' | 'relay';
  workerConcurrency: number;
  workerLeaseMs: number;
  workerIdlePollMs: number;
  workerPollIntervalMs: number;
  maintenanceIdlePollMs: number;
  resultUrlTtlSeconds: number;
  resultRetentionMs: number;
  uploadRetentionMs: number;
  billing: boolean;
  httpRequestTimeoutMs: number;
  httpHeadersTimeoutMs: number;
  mediaFetchTimeoutMs: number;
  allowLoopbackMedia: boolean;
  allowLoopbackWebhooks: boolean;
  webhookRetryDelaysMs: readonly number[];
  webhookTimeoutMs: number;
  sseHeartbeatMs: number;
  taskWatchPollMs: number;
  prices: PriceTable;
  consoleSessionMs: number;
  logLevel: string;
  /** Set when WANGATE_ENGINE=dashscope. */
  dashscope: DashscopeConfig | undefined;
  /** Set when WANGATE_ENGINE=relay. */
  relay: RelayConfig | undefined;
}

export interface DashscopeChannelConfig {
  id: string;
  baseUrl: string;
  apiKey: string;
  account?: string;
  maxConcurrent: number;
  priority: number;
  weight: number;
}

export interface DashscopeConfig {
  channels: DashscopeChannelConfig[];
  queryBudgetPerSecond: number;
  createTimeoutMs: number;
  createRetryMs: number;
  recheckMs: number;
  /** The upstream model id of each route (text-to-video, image-to-video, r2v, videoedit). */
  models: { t2v: string; i2v: string; r2v: string; videoedit: string };
}

export interface RelayConfig {
  baseUrl: string;
  apiKey: string;
  maxConcurrent: number;
  queryBudgetPerSecond: number;
  createTimeoutMs: number;
  createRetryMs: number;
  recheckMs: number;
  idempotentCreates: boolean;
}

const minorPerMajor = 10_000;

/** One wrong environment variable: `variable` names it (a JSON path inside it for DASHSCOPE_CHANNELS). */
export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Every problem of the environment at once, so an operator fixes them in one round. */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    const lines = problems.map((p) => `${p.variable}: ${p.message}`);
    super(lines.length === 1 ? `Invalid configuration: ${lines[0]}` : `Invalid configuration (${lines.length} problems):\n  ${lines.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = z.infer<typeof envSchema>;

/** Each variable on its own, so one bad value neither hides the others nor stops the engine checks. */
function parseEnv(env: Record<string, string | undefined>, problems: ConfigProblem[]): Partial<Env> {
  const values: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(envSchema.shape)) {
    const parsed = (schema as z.ZodType).safeParse(env[name]);
    if (parsed.success) values[name] = parsed.data;
    else for (const issue of parsed.error.issues) problems.push({ variable: [name, ...issue.path].join('.'), message: issue.message });
  }
  return values as Partial<Env>;
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const problems: ConfigProblem[] = [];
  const values = parseEnv(env, problems);
  const engines = parseEngineEnv(values, new Set(problems.map((p) => p.variable.split('.')[0]!)), problems);
  const storage = parseStorageEnv(values, env, problems);
  const { HTTP_HEADERS_TIMEOUT_MS: headersMs, HTTP_REQUEST_TIMEOUT_MS: requestMs } = values;
  if (headersMs !== undefined && requestMs !== undefined && headersMs > requestMs) {
    problems.push({ variable: 'HTTP_HEADERS_TIMEOUT_MS', message: 'must not be longer than HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)' });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const e = values as Env;
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    metricsPort: e.METRICS_PORT,
    metricsHost: e.METRICS_HOST,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    shutdownTaskGraceMs: e.SHUTDOWN_TASK_GRACE_MS,
    logFormat: e.LOG_FORMAT,
    publicBaseUrl: e.PUBLIC_BASE_URL,
    adminKey: e.WANGATE_ADMIN_KEY,
    signingSecret: e.WANGATE_SIGNING_SECRET,
    engine: e.WANGATE_ENGINE,
    workerConcurrency: e.WORKER_CONCURRENCY,
    workerLeaseMs: e.WORKER_LEASE_MS,
    workerIdlePollMs: e.WORKER_IDLE_POLL_MS,
    workerPollIntervalMs: e.WORKER_POLL_INTERVAL_MS,
    maintenanceIdlePollMs: e.MAINTENANCE_IDLE_POLL_MS,
    resultUrlTtlSeconds: e.RESULT_URL_TTL_SECONDS,
    resultRetentionMs: Math.round(e.RESULT_RETENTION_HOURS * 3600_000),
    uploadRetentionMs: Math.round(e.UPLOAD_RETENTION_HOURS * 3600_000),
    billing: e.WANGATE_BILLING,
    httpRequestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
    httpHeadersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
    mediaFetchTimeoutMs: e.MEDIA_FETCH_TIMEOUT_MS,
    allowLoopbackMedia: e.WANGATE_ALLOW_LOOPBACK_MEDIA,
    allowLoopbackWebhooks: e.WANGATE_ALLOW_LOOPBACK_WEBHOOKS,
    webhookRetryDelaysMs: Object.freeze(e.WEBHOOK_RETRY_DELAYS_SECONDS.split(',').map((v) => Math.round(Number(v.trim()) * 1000))),
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
    sseHeartbeatMs: e.SSE_HEARTBEAT_MS,
    taskWatchPollMs: e.TASK_WATCH_POLL_MS,
    prices: {
      currency: e.WANGATE_CURRENCY,
      minorPerMajor,
      perSecondMinor: {
        '720P': Math.round(e.WANGATE_PRICE_720P * minorPerMajor),
        '1080P': Math.round(e.WANGATE_PRICE_1080P * minorPerMajor),
      },
    },
    consoleSessionMs: Math.round(e.CONSOLE_SESSION_HOURS * 3600_000),
    logLevel: e.LOG_LEVEL,
    ...engines,
    ...storage,
  });
}

// ---------- upstream engines ----------

const channelSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits, _ . : - (1..64)'),
  baseUrl: baseUrlSchema.default(dashscopeDefaultUrl),
  apiKey: z.string().min(1),
  account: z.string().min(1).optional(),
  maxConcurrent: z.number().int().min(1).max(10_000).default(5),
  priority: z.number().int().default(0),
  weight: z.number().min(0).default(1),
});

function parseChannels(text: string, problems: ConfigProblem[]): DashscopeChannelConfig[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    problems.push({ variable: 'DASHSCOPE_CHANNELS', message: `not valid JSON (${(err as Error).message})` });
    return [];
  }
  const parsed = z.array(channelSchema).min(1).safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
      problems.push({ variable: `DASHSCOPE_CHANNELS${where}`, message: issue.message });
    }
    return [];
  }
  const ids = new Set<string>();
  for (const c of parsed.data) {
    if (ids.has(c.id)) problems.push({ variable: 'DASHSCOPE_CHANNELS', message: `channel id '${c.id}' is used twice` });
    ids.add(c.id);
  }
  return parsed.data;
}

/**
 * The chosen engine's settings; `invalid` holds the variables already reported, not reported again as
 * missing. The non-null reads are safe: a field still undefined left a problem, and problems throw.
 */
function parseEngineEnv(e: Partial<Env>, invalid: Set<string>, problems: ConfigProblem[]): Pick<Config, 'dashscope' | 'relay'> {
  let dashscope: DashscopeConfig | undefined;
  let relay: RelayConfig | undefined;
  const requireVar = (name: keyof Env, engine: string, hint = '') => {
    if (e[name] === undefined && !invalid.has(name)) problems.push({ variable: name, message: `required when WANGATE_ENGINE=${engine}${hint}` });
  };
  if (e.WANGATE_ENGINE === 'dashscope') {
    let channels: DashscopeChannelConfig[] = [];
    if (e.DASHSCOPE_CHANNELS !== undefined && e.DASHSCOPE_CHANNELS.trim() !== '') channels = parseChannels(e.DASHSCOPE_CHANNELS, problems);
    else if (e.DASHSCOPE_API_KEY && e.DASHSCOPE_BASE_URL !== undefined && e.DASHSCOPE_MAX_CONCURRENT !== undefined) {
      channels = [{ id: 'default', baseUrl: e.DASHSCOPE_BASE_URL, apiKey: e.DASHSCOPE_API_KEY, maxConcurrent: e.DASHSCOPE_MAX_CONCURRENT, priority: 0, weight: 1 }];
    } else requireVar('DASHSCOPE_API_KEY', 'dashscope', ' (or set DASHSCOPE_CHANNELS)');
    dashscope = {
      channels,
      queryBudgetPerSecond: e.DASHSCOPE_QUERY_BUDGET_PER_SECOND!,
      createTimeoutMs: e.DASHSCOPE_CREATE_TIMEOUT_MS!,
      createRetryMs: e.DASHSCOPE_CREATE_RETRY_MS!,
      recheckMs: e.DASHSCOPE_RECHECK_MS!,
      models: { t2v: e.DASHSCOPE_MODEL_T2V!, i2v: e.DASHSCOPE_MODEL_I2V!, r2v: e.DASHSCOPE_MODEL_R2V!, videoedit: e.DASHSCOPE_MODEL_VIDEOEDIT! },
    };
  }
  if (e.WANGATE_ENGINE === 'relay') {
    requireVar('RELAY_BASE_URL', 'relay');
    requireVar('RELAY_API_KEY', 'relay');
    relay = {
      baseUrl: e.RELAY_BASE_URL!,
      apiKey: e.RELAY_API_KEY!,
      maxConcurrent: e.RELAY_MAX_CONCURRENT!,
      queryBudgetPerSecond: e.RELAY_QUERY_BUDGET_PER_SECOND!,
      createTimeoutMs: e.RELAY_CREATE_TIMEOUT_MS!,
      createRetryMs: e.RELAY_CREATE_RETRY_MS!,
      recheckMs: e.RELAY_RECHECK_MS!,
      idempotentCreates: e.RELAY_IDEMPOTENT_CREATES!,
    };
  }
  return { dashscope, relay };
}

// ---------- the MCP server (a client of a gateway) ----------

export interface McpConfig {
  /** The gateway's base URL, without trailing slashes. */
  baseUrl: string;
  apiKey: string;
}

const mcpEnvSchema = z.object({
  WANGATE_BASE_URL: baseUrlSchema.default('http://localhost:8080'),
  WANGATE_API_KEY: z.string().min(1, 'required: the API key the MCP server calls the gateway with'),
});

/** `wangate mcp`: the gateway it talks to and the key it uses (every problem at once, as for the server). */
export function parseMcpConfig(env: Record<string, string | undefined>): McpConfig {
  const parsed = mcpEnvSchema.safeParse({ WANGATE_BASE_URL: env.WANGATE_BASE_URL, WANGATE_API_KEY: env.WANGATE_API_KEY ?? '' });
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => ({ variable: String(i.path[0]), message: i.message })));
  return Object.freeze({ baseUrl: parsed.data.WANGATE_BASE_URL, apiKey: parsed.data.WANGATE_API_KEY });
}
