/**
 * Create-task throughput on PostgreSQL against the database's own floor: API processes (the real
 * entry point, spawned, WORKER_CONCURRENCY=0, billing on so every create holds money) on a fresh
 * schema, loaded by autocannon (32 connections split over the processes) with one hot key and with
 * 32 keys, against bare single-row INSERTs from a pool of the same size (10 per process) on the same
 * database. Rounds alternate between the sides and each keeps its best (see compareRps).
 *
 * Run alone: npm run bench -- pg-create
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { systemClock } from '../src/adapters/engines/upstream/step-helpers.js';
import { openPostgresStore } from '../src/adapters/store-postgres/postgres-store.js';
import { createApiKey } from '../src/app/api-keys.js';
import { spawnServer, killHard, type ServerProcess } from '../test/helpers/spawn-server.js';

const databaseUrl = process.env.WANGATE_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const here = path.dirname(fileURLToPath(import.meta.url));
const tsxLoader = createRequire(import.meta.url).resolve('tsx');
const connections = 32;
const poolPerProcess = 10;
const rounds = 2;
const seconds = 4;
const body = JSON.stringify({ model: 'wan2.7', prompt: 'A cat chasing butterflies on the grass', resolution: '720P', duration: 5 });

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  await c.query(sql).finally(() => c.end());
}

/** autocannon in a process of its own per API process, all at once; the answers/s summed. */
async function loadCreates(urls: string[], secrets: string[], runSeconds: number): Promise<number> {
  const one = (url: string, i: number) =>
    new Promise<number>((resolve, reject) => {
      // Each process gets its share of the connections and of the keys (all of them when there is one).
      const mine = secrets.length === 1 ? secrets : secrets.filter((_, k) => k % urls.length === i);
      const opts = { url: `${url}/v1/videos/generations`, body, secrets: mine, connections: connections / urls.length, seconds: runSeconds };
      const child = spawn(process.execPath, ['--import', tsxLoader, path.join(here, 'autocannon-keys.ts'), JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', () => {
        const r = JSON.parse(out) as { rps: number; non2xx: number };
        if (r.non2xx > 0) reject(new Error(`${url}: ${r.non2xx} non-2xx answers during the run`));
        else resolve(r.rps);
      });
    });
  return (await Promise.all(urls.map(one))).reduce((a, b) => a + b, 0);
}

/** Single-row INSERTs (each its own transaction) from `connections` loops on a pool of `poolSize`. */
async function loadBareInserts(url: string, poolSize: number, runSeconds: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  try {
    await pool.query('CREATE TABLE IF NOT EXISTS bench_bare (id TEXT PRIMARY KEY, key_id TEXT NOT NULL, request TEXT NOT NULL, created_at_ms BIGINT NOT NULL)');
    let done = 0;
    const endMs = performance.now() + runSeconds * 1000;
    const loop = async () => {
      while (performance.now() < endMs) {
        await pool.query({ text: 'INSERT INTO bench_bare (id, key_id, request, created_at_ms) VALUES ($1, $2, $3, $4)', values: [randomBytes(12).toString('hex'), 'key_bench', body, Date.now()] });
        done++;
      }
    };
    await Promise.all(Array.from({ length: connections }, loop));
    return done / runSeconds;
  } finally {
    await pool.end();
  }
}

async function benchProcesses(processes: number): Promise<Record<string, number>> {
  const schema = `wangate_bench_${randomBytes(6).toString('hex')}`;
  await admin(`CREATE SCHEMA ${schema}`);
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const dirs: string[] = [];
  const servers: ServerProcess[] = [];
  try {
    // Keys first, on the fresh schema (this store also applies the migrations).
    const store = await openPostgresStore(databaseUrl, { schema, poolSize: 2 });
    const secrets: string[] = [];
    try {
      for (let i = 0; i < 33; i++) secrets.push((await createApiKey({ keys: store.keys, clock: systemClock }, { name: `bench ${i}`, scopes: ['user'], balanceMinor: 1e12 })).secret);
    } finally {
      await store.close();
    }
    for (let i = 0; i < processes; i++) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-bench-pg-'));
      dirs.push(dir);
      servers.push(await spawnServer({ DATABASE_URL: url.toString(), DATA_DIR: dir, WORKER_CONCURRENCY: '0', WANGATE_BILLING: 'true', LOG_LEVEL: 'warn' }));
    }
    const urls = servers.map((s) => s.url);
    const [hot, many] = [secrets.slice(0, 1), secrets.slice(1)];
    await loadCreates(urls, many, 2); // warm-up: JIT, pools, plans
    let best = { hot: 0, many: 0, bare: 0 };
    for (let i = 0; i < rounds; i++) {
      best = {
        hot: Math.max(best.hot, await loadCreates(urls, hot, seconds)),
        many: Math.max(best.many, await loadCreates(urls, many, seconds)),
        bare: Math.max(best.bare, await loadBareInserts(url.toString(), poolPerProcess * processes, seconds)),
      };
    }
    const p = `${processes}proc`;
    return {
      [`create_${p}_hot_key_rps`]: Math.round(best.hot),
      [`create_${p}_32_keys_rps`]: Math.round(best.many),
      [`bare_insert_${p}_pool${poolPerProcess * processes}_rps`]: Math.round(best.bare),
      [`hot_key_vs_bare_${p}`]: +(best.hot / best.bare).toFixed(2),
      [`32_keys_vs_bare_${p}`]: +(best.many / best.bare).toFixed(2),
    };
  } finally {
    for (const s of servers) await killHard(s);
    await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
}

export async function benchPgCreate(): Promise<Record<string, number>> {
  return { ...(await benchProcesses(1)), ...(await benchProcesses(2)), load_average_1m: +os.loadavg()[0]!.toFixed(2) };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchPgCreate());
