/**
 * Several machines in one test: two API processes (`wangate serve`, WORKER_CONCURRENCY=0) and two
 * workers (`wangate work`), each its own process with its own empty data folder, meeting only in one
 * PostgreSQL schema, one Redis, one S3 bucket and the signing secret. 200 tasks go in through both
 * API ports; one API process and one worker are killed with -9 mid-run and started again. Afterwards
 * every task is completed, sent upstream and charged exactly once, every result downloads through
 * either API process, an event stream on the surviving API process heard each completion fast, and a
 * per-minute limit held exactly across both API processes.
 *
 * The workers run the DashScope engine against the simulator: the local engine's cheapest render
 * (720P, 2 s) costs about a CPU-second, so 200 of them take many minutes on two shared cores, while the
 * simulator's result is a tiny clip. The workers still fetch, probe, store and settle every result, and
 * a killed worker's tasks must be resumed from their saved upstream state, never created twice.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { startFakeDashscope, type FakeDashscope } from '../../src/dev/fake-dashscope/fake-dashscope.js';
import { createS3Store } from '../../src/adapters/storage/s3-store.js';
import { startCluster, type Cluster, type ClusterNode } from '../helpers/cluster.js';
import { createTestSchema, type TestSchema } from '../helpers/pg-schema.js';
import { s3Credentials, startS3Server } from '../helpers/s3-server.js';
import { openSse, type SseStream } from '../helpers/sse-client.js';
import { testAdminKey } from '../helpers/start-test-server.js';
import { until } from '../helpers/until.js';

const taskCount = 200;
/** The cheapest task the product takes: 720P, the shortest duration; prompts differ (upstream matching). */
const cheapest = (i: number) => ({ model: 'wan2.7', prompt: `node ${i}`, resolution: '720P', duration: 2, seed: i });
const priceMinor = 2 * 1000; // 2 s at 0.1 per second, in minor units (10,000 per unit)
const startBalanceMinor = 1_000_000;
const perMinute = 10;

interface ResultStorage {
  /** What every process gets to reach the result storage. */
  env: Record<string, string>;
  /** The names of the result objects in storage. */
  listResults(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Where results live, the one place in this test that knows: an S3-protocol server on 127.0.0.1, which
 * every process reaches through STORAGE_URL and the standard AWS variables, as in production. Each
 * process keeps its own empty DATA_DIR, for scratch files only.
 */
async function startResultStorage(): Promise<ResultStorage> {
  const s3 = await startS3Server();
  const prefix = 'multi-node/';
  const bucket = createS3Store({ bucket: s3.bucket, prefix, endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: s3Credentials });
  return {
    env: {
      STORAGE_URL: `s3://${s3.bucket}/${prefix}`,
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: 'us-east-1',
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: s3Credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3Credentials.secretAccessKey,
    },
    listResults: async () => (await bucket.list('results/')).map((k) => k.replace(/^results\//, '')),
    close: async () => {
      bucket.close();
      await s3.close();
    },
  };
}

let schema: TestSchema | undefined;
let storage: ResultStorage | undefined;
let upstream: FakeDashscope | undefined;
let cluster: Cluster | undefined;
let db: pg.Client | undefined;
const streams: SseStream[] = [];

afterAll(async () => {
  for (const s of streams) s.abort();
  await cluster?.close();
  await db?.end();
  await storage?.close();
  await upstream?.close();
  await schema?.drop();
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

async function call(origin: string, method: string, urlPath: string, body?: unknown, key = testAdminKey): Promise<{ status: number; json: any }> {
  const res = await fetch(origin + urlPath, {
    method,
    headers: { ...auth(key), ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json() };
}

/** The request never got an answer: the process is down or died while answering. */
function unanswered(err: unknown): boolean {
  const code = ((err as Error).cause as { code?: string } | undefined)?.code;
  return ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED'].includes(code ?? '') || (err as Error).message === 'terminated';
}

/** A create as a careful client makes it: one Idempotency-Key, sent again until some answer comes. */
async function createTask(origin: string, key: string, i: number): Promise<string> {
  for (;;) {
    try {
      const res = await fetch(`${origin}/v1/videos/generations`, {
        method: 'POST',
        headers: { ...auth(key), 'content-type': 'application/json', 'idempotency-key': `multi-node-${i}` },
        body: JSON.stringify(cheapest(i)),
      });
      const json = (await res.json()) as any;
      if (res.status !== 200) throw new Error(`create ${i} answered ${res.status}: ${JSON.stringify(json)}`);
      return json.data[0].task_id;
    } catch (err) {
      if (!unanswered(err)) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

const tableRows = async (sql: string, values: unknown[] = []) => (await db!.query(sql, values)).rows;
const countOf = async (sql: string, values: unknown[] = []) => Number((await tableRows(sql, values))[0]!.n);

async function download(url: string): Promise<Buffer> {
  const res = await fetch(url);
  expect(res.status, url).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

/** The task's signed result URL as `signer` hands it out, fetched from `server` (the secret is shared). */
async function resultThrough(signer: ClusterNode, server: ClusterNode, key: string, taskId: string): Promise<Buffer> {
  const { json } = await call(signer.origin, 'GET', `/v1/tasks/${taskId}`, undefined, key);
  const signed = new URL(json.data.result.videos[0].url[0]);
  return download(server.origin + signed.pathname + signed.search);
}

it('two API and two worker processes, one of each killed -9 mid-run: 200 tasks done and charged exactly once', async () => {
  schema = await createTestSchema();
  storage = await startResultStorage();
  // The upstream's own query limit is not under test here (the upstream-polling tests cover it).
  upstream = await startFakeDashscope({ keys: [{ key: 'sk-multi-node', account: 'acct' }], pendingMs: 300, runningMs: 700, queryLimitPerSecond: 10_000 });
  db = new pg.Client({ connectionString: schema.url });
  await db.connect();
  const shared = {
    ...storage.env,
    DATABASE_URL: schema.url,
    REDIS_URL: 'redis://127.0.0.1:6379',
    WANGATE_SIGNING_SECRET: randomBytes(24).toString('hex'),
    WANGATE_ADMIN_KEY: testAdminKey,
    LOG_LEVEL: 'warn',
    WANGATE_ENGINE: 'dashscope',
    DASHSCOPE_BASE_URL: upstream.url,
    DASHSCOPE_API_KEY: 'sk-multi-node',
    DASHSCOPE_QUERY_BUDGET_PER_SECOND: '200',
    // Results are fetched from the simulator on 127.0.0.1.
    WANGATE_ALLOW_LOOPBACK_MEDIA: 'true',
    WORKER_POLL_INTERVAL_MS: '100',
    // A killed worker's task is taken over five seconds after its last heartbeat.
    WORKER_LEASE_MS: '5000',
    // Event streams read the store only once a minute: what reaches them in time came through LISTEN/NOTIFY.
    TASK_WATCH_POLL_MS: '60000',
  };
  const api = { WORKER_CONCURRENCY: '0' };
  // Six upstream tasks in flight per worker process: below the count where the poller turns from
  // querying each task about once a second to list sweeps (a test of its own).
  const worker = { WORKER_CONCURRENCY: '1', DASHSCOPE_MAX_CONCURRENT: '6' };
  // All four start together, as machines of one deployment do (migrations and the admin key race).
  cluster = await startCluster(shared, [
    { name: 'api-a', command: 'serve', env: api },
    { name: 'api-b', command: 'serve', env: api },
    { name: 'worker-1', command: 'work', env: worker },
    { name: 'worker-2', command: 'work', env: worker },
  ]);
  const [a, b, w1] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode, ClusterNode];
  const startedMs = Date.now();
  try {
    const created = await call(a.origin, 'POST', '/admin/keys', { name: 'cluster', balance: startBalanceMinor / 10_000 });
    expect(created.status, JSON.stringify(created.json)).toBe(200);
    const { id: keyId, key } = created.json.data;

    // Submission: sixteen clients at once over both ports; API process B dies a third of the way in.
    const ids: string[] = new Array(taskCount);
    const watching: Promise<void>[] = [];
    const completions = new Map<string, SseStream>();
    let next = 0;
    let accepted = 0;
    let restartB: Promise<void> | undefined;
    const client = async () => {
      while (next < taskCount) {
        const i = next++;
        const id = await createTask(i % 2 === 0 ? a.origin : b.origin, key, i);
        ids[i] = id;
        // Every task is watched from API process A, which runs no workers.
        watching.push(openSse(`${a.origin}/v1/tasks/${id}/events`, key).then((stream) => void (streams.push(stream), completions.set(id, stream))));
        if (++accepted === Math.floor(taskCount / 3)) restartB = b.kill().then(() => b.restart());
      }
    };
    await Promise.all(Array.from({ length: 16 }, client));
    await Promise.all(watching);
    await restartB;
    const submittedMs = Date.now() - startedMs;
    expect(new Set(ids).size).toBe(taskCount);
    // Retries after a cut connection were answered from the idempotency record, never as a second task.
    expect(await countOf('SELECT COUNT(*) AS n FROM tasks WHERE key_id = $1', [keyId])).toBe(taskCount);

    // Per-minute limits: both API processes (B freshly restarted) count one window in Redis.
    const limited = await call(a.origin, 'POST', '/admin/keys', { name: 'limited', limits: { requests_per_minute: perMinute } });
    const limitedKey = limited.json.data.key as string;
    const statuses = await Promise.all(
      Array.from({ length: 3 * perMinute }, (_, i) => fetch(`${(i % 2 ? a : b).origin}/v1/tasks`, { headers: auth(limitedKey) }).then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(perMinute);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2 * perMinute);

    // Worker 1 dies once the run is well under way, while tasks still queue (so both workers are full).
    await until(async () => (await countOf("SELECT COUNT(*) AS n FROM tasks WHERE status = 'completed'")) >= taskCount / 5, 300_000, 50);
    expect(await countOf("SELECT COUNT(*) AS n FROM tasks WHERE status = 'pending'")).toBeGreaterThan(12);
    const heldAtKill = await tableRows("SELECT id, attempts FROM tasks WHERE status = 'processing'");
    await w1.kill();
    await w1.restart();

    await until(async () => (await countOf("SELECT COUNT(*) AS n FROM tasks WHERE status IN ('completed', 'failed', 'cancelled')")) === taskCount, 600_000, 100);
    const wallMs = Date.now() - startedMs;

    // Completed exactly once: every task completed, one result object each, one capture each.
    const tasks = await tableRows('SELECT id, status, attempts, completed_at_ms, result FROM tasks WHERE key_id = $1', [keyId]);
    expect(tasks.filter((t) => t.status !== 'completed').map((t) => `${t.id} ${t.status}`)).toEqual([]);
    // The killed worker's tasks were claimed again, and resumed: one upstream task each, never a second.
    expect(heldAtKill.some((h) => tasks.find((t) => t.id === h.id)!.attempts > h.attempts)).toBe(true);
    expect(upstream.tasks()).toHaveLength(taskCount);
    expect(new Set(upstream.tasks().map((u) => u.prompt)).size).toBe(taskCount);
    const results = await storage.listResults();
    expect(results).toHaveLength(taskCount);
    for (const t of tasks) expect(results).toContain(JSON.parse(t.result).blobKey.replace(/^results\//, ''));
    const ledger = await tableRows('SELECT task_id, kind, amount_minor FROM ledger WHERE key_id = $1', [keyId]);
    for (const kind of ['hold', 'capture', 'release']) {
      const entries = ledger.filter((e) => e.kind === kind);
      expect(entries, kind).toHaveLength(taskCount);
      expect(new Set(entries.map((e) => e.task_id)).size, kind).toBe(taskCount);
    }
    expect(ledger.filter((e) => e.kind === 'capture').every((e) => Number(e.amount_minor) === priceMinor)).toBe(true);
    const balance = await call(b.origin, 'GET', `/admin/keys/${keyId}`);
    expect(Math.round(balance.json.data.balance * 10_000)).toBe(startBalanceMinor - taskCount * priceMinor);
    expect(Number((await tableRows('SELECT balance_minor FROM api_keys WHERE id = $1', [keyId]))[0]!.balance_minor)).toBe(startBalanceMinor - taskCount * priceMinor);

    // Each result through either API process, signed by one and served by the other: the same MP4 bytes.
    for (let i = 0; i < tasks.length; i += 8) {
      await Promise.all(
        tasks.slice(i, i + 8).map(async (t) => {
          const [viaB, viaA] = await Promise.all([resultThrough(a, b, key, t.id), resultThrough(b, a, key, t.id)]);
          expect(viaA.subarray(4, 8).toString('latin1'), t.id).toBe('ftyp');
          expect(viaA.length).toBe(JSON.parse(t.result).bytes);
          expect(viaB.equals(viaA), t.id).toBe(true);
        }),
      );
    }

    // Completion to event on API process A: from the worker's completion time in the store (one machine, one clock).
    const latenciesMs: number[] = [];
    for (const t of tasks) {
      const messages = completions.get(t.id)!.messages.filter((m) => m.event !== 'comment');
      const done = messages.find((m) => m.event === 'completed');
      expect(done, t.id).toBeDefined();
      // Streams opened after the completion got it as their first state: no latency to measure there.
      if (messages[0]!.event !== 'completed') latenciesMs.push(done!.receivedAtMs - Number(t.completed_at_ms));
    }
    latenciesMs.sort((x, y) => x - y);
    const p95Ms = latenciesMs[Math.ceil(latenciesMs.length * 0.95) - 1]!;
    console.log(`multi-node: ${taskCount} tasks submitted in ${submittedMs} ms, all done in ${wallMs} ms; completion to SSE p50 ${latenciesMs[latenciesMs.length >> 1]} ms, p95 ${p95Ms} ms, max ${latenciesMs.at(-1)} ms over ${latenciesMs.length}`);
    expect(latenciesMs.length).toBeGreaterThanOrEqual(taskCount * 0.9);
    expect(p95Ms).toBeLessThanOrEqual(200);
  } catch (err) {
    // What the processes said is the first thing to read when this fails.
    for (const n of cluster.nodes) console.log(`--- ${n.name}\n${n.process.output().slice(-4000)}`);
    throw err;
  }
}, 900_000);
