import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, parseMcpConfig } from './config.js';

function problemsOf(env: Record<string, string>): { variable: string; message: string }[] {
  try {
    parseConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return [...(e as ConfigError).problems];
  }
  throw new Error('expected a configuration error');
}

describe('configuration from the environment', () => {
  it('fills every default from an empty environment', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({ port: 8080, engine: 'local', workerConcurrency: 1, billing: true, dashscope: undefined, relay: undefined });
  });

  it('keeps signed result URLs, results and uploads for 72 hours by default, as the seed platform promises', () => {
    const c = parseConfig({});
    expect(c.resultUrlTtlSeconds).toBe(72 * 3600);
    expect(c.resultRetentionMs).toBe(72 * 3600_000);
    expect(c.uploadRetentionMs).toBe(72 * 3600_000);
  });

  it('reports one problem in the one-line form naming the variable', () => {
    expect(() => parseConfig({ PORT: 'eighty' })).toThrow(/^Invalid configuration: PORT: /);
  });

  it('reports every wrong variable at once, each by name', () => {
    const problems = problemsOf({ PORT: '70000', WORKER_CONCURRENCY: '-1', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    expect(problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'WORKER_CONCURRENCY']);
    expect(() => parseConfig({ PORT: '70000', LOG_LEVEL: 'loud' })).toThrow(/\(2 problems\):\n {2}PORT: .*\n {2}LOG_LEVEL: /);
  });

  it('reads the several-machines settings: Redis, the metrics port (loopback by default), the drain bounds, the log format', () => {
    expect(parseConfig({})).toMatchObject({ redisUrl: undefined, metricsPort: undefined, metricsHost: '127.0.0.1', shutdownTimeoutMs: 25_000, shutdownTaskGraceMs: 10_000, logFormat: 'auto' });
    const c = parseConfig({ REDIS_URL: 'redis://cache:6379/2', METRICS_PORT: '9464', SHUTDOWN_TIMEOUT_MS: '5000', LOG_FORMAT: 'json' });
    expect(c).toMatchObject({ redisUrl: 'redis://cache:6379/2', metricsPort: 9464, shutdownTimeoutMs: 5000, logFormat: 'json' });
    const problems = problemsOf({ REDIS_URL: 'http://cache', METRICS_PORT: 'x', LOG_FORMAT: 'xml' });
    expect(problems.map((p) => p.variable).sort()).toEqual(['LOG_FORMAT', 'METRICS_PORT', 'REDIS_URL']);
  });

  it("reports a missing engine setting together with the other variables' problems", () => {
    const problems = problemsOf({ WANGATE_ENGINE: 'relay', PORT: 'x' });
    expect(problems.map((p) => p.variable).sort()).toEqual(['PORT', 'RELAY_API_KEY', 'RELAY_BASE_URL']);
  });

  it('does not call an invalid engine setting missing as well', () => {
    const problems = problemsOf({ WANGATE_ENGINE: 'relay', RELAY_BASE_URL: 'not a url', RELAY_API_KEY: 'k' });
    expect(problems.map((p) => p.variable)).toEqual(['RELAY_BASE_URL']);
  });

  it('names each bad DashScope channel field by its path, and duplicate ids', () => {
    const channels = JSON.stringify([{ id: 'a', apiKey: '' }, { id: 'b b', apiKey: 'k', maxConcurrent: 0 }]);
    const problems = problemsOf({ WANGATE_ENGINE: 'dashscope', DASHSCOPE_CHANNELS: channels });
    expect(problems.map((p) => p.variable).sort()).toEqual(['DASHSCOPE_CHANNELS[0].apiKey', 'DASHSCOPE_CHANNELS[1].id', 'DASHSCOPE_CHANNELS[1].maxConcurrent']);
    const twice = problemsOf({ WANGATE_ENGINE: 'dashscope', DASHSCOPE_CHANNELS: JSON.stringify([{ id: 'a', apiKey: 'k' }, { id: 'a', apiKey: 'k' }]) });
    expect(twice).toEqual([{ variable: 'DASHSCOPE_CHANNELS', message: "channel id 'a' is used twice" }]);
  });

  it('requires a DashScope key or channel list for the dashscope engine', () => {
    expect(problemsOf({ WANGATE_ENGINE: 'dashscope' })).toEqual([{ variable: 'DASHSCOPE_API_KEY', message: 'required when WANGATE_ENGINE=dashscope (or set DASHSCOPE_CHANNELS)' }]);
    expect(parseConfig({ WANGATE_ENGINE: 'dashscope', DASHSCOPE_API_KEY: 'sk-1' }).dashscope?.channels).toEqual([
      { id: 'default', baseUrl: 'https://dashscope.aliyuncs.com', apiKey: 'sk-1', maxConcurrent: 5, priority: 0, weight: 1 },
    ]);
  });

  it('takes the upstream model id of each route, defaulting to the undated wan2.7 ids, and refuses a malformed one', () => {
    const dashscope = (env: Record<string, string>) => parseConfig({ WANGATE_ENGINE: 'dashscope', DASHSCOPE_API_KEY: 'sk-1', ...env }).dashscope;
    expect(dashscope({})?.models).toEqual({ t2v: 'wan2.7-t2v', i2v: 'wan2.7-i2v', r2v: 'wan2.7-r2v', videoedit: 'wan2.7-videoedit' });
    expect(dashscope({ DASHSCOPE_MODEL_R2V: 'wan2.7-r2v-2026-06-12', DASHSCOPE_MODEL_I2V: 'wan2.7-i2v-2026-04-25' })?.models).toMatchObject({
      r2v: 'wan2.7-r2v-2026-06-12',
      i2v: 'wan2.7-i2v-2026-04-25',
    });
    expect(problemsOf({ WANGATE_ENGINE: 'dashscope', DASHSCOPE_API_KEY: 'sk-1', DASHSCOPE_MODEL_VIDEOEDIT: 'wan 2.7' }).map((p) => p.variable)).toEqual(['DASHSCOPE_MODEL_VIDEOEDIT']);
  });
});

describe('storage configuration', () => {
  it('keeps files under DATA_DIR by default, streams downloads, and keeps scratch in DATA_DIR/scratch', () => {
    expect(parseConfig({ DATA_DIR: '/srv/wangate/' })).toMatchObject({ storage: { kind: 'disk' }, resultDelivery: 'stream', scratchDir: '/srv/wangate/scratch' });
    expect(parseConfig({ SCRATCH_DIR: '/tmp/wg' }).scratchDir).toBe('/tmp/wg');
  });

  it('reads STORAGE_URL=s3://bucket/prefix with its endpoint, region and path style', () => {
    const c = parseConfig({ STORAGE_URL: 's3://media-bucket/wangate/prod/', S3_ENDPOINT: 'http://minio:9000/', S3_REGION: 'eu-west-1', S3_FORCE_PATH_STYLE: 'true', RESULT_DELIVERY: 'redirect' });
    expect(c.storage).toEqual({ kind: 's3', bucket: 'media-bucket', prefix: 'wangate/prod/', endpoint: 'http://minio:9000', region: 'eu-west-1', forcePathStyle: true });
    expect(c).toMatchObject({ resultDelivery: 'redirect', redirectUrlTtlSeconds: 300 });
    expect(parseConfig({ STORAGE_URL: 's3://media-bucket' }).storage).toMatchObject({ bucket: 'media-bucket', prefix: '', endpoint: undefined, region: 'us-east-1', forcePathStyle: false });
    expect(parseConfig({ STORAGE_URL: 's3://media-bucket', AWS_REGION: 'ap-southeast-1' }).storage).toMatchObject({ region: 'ap-southeast-1' });
  });

  it('reports every storage problem at once, each by its variable', () => {
    const problems = problemsOf({ STORAGE_URL: 'https://bucket', S3_ENDPOINT: 'minio', S3_FORCE_PATH_STYLE: 'maybe', RESULT_DELIVERY: 'cdn' });
    expect(problems.map((p) => p.variable).sort()).toEqual(['RESULT_DELIVERY', 'S3_ENDPOINT', 'S3_FORCE_PATH_STYLE', 'STORAGE_URL']);
    const orphans = problemsOf({ S3_REGION: 'eu-west-1', RESULT_DELIVERY: 'redirect' });
    expect(orphans.map((p) => p.variable).sort()).toEqual(['RESULT_DELIVERY', 'S3_REGION']);
    expect(orphans.find((p) => p.variable === 'RESULT_DELIVERY')?.message).toMatch(/STORAGE_URL=s3:/);
  });
});

describe('the MCP server configuration', () => {
  it('needs WANGATE_API_KEY; WANGATE_BASE_URL defaults to the local server and loses trailing slashes', () => {
    expect(parseMcpConfig({ WANGATE_API_KEY: 'wg_x' })).toEqual({ baseUrl: 'http://localhost:8080', apiKey: 'wg_x' });
    expect(parseMcpConfig({ WANGATE_API_KEY: 'wg_x', WANGATE_BASE_URL: 'https://gw.example/api/' }).baseUrl).toBe('https://gw.example/api');
    expect(() => parseMcpConfig({})).toThrow(/WANGATE_API_KEY: required/);
    expect(() => parseMcpConfig({ WANGATE_API_KEY: '', WANGATE_BASE_URL: 'not a url' })).toThrow(/2 problems[\s\S]*WANGATE_BASE_URL[\s\S]*WANGATE_API_KEY/);
  });
});
