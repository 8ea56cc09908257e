import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureAdminKey } from '../../src/app/api-keys.js';
import type { AppDeps } from '../../src/app/deps.js';
import { parseConfig } from '../../src/config.js';
import type { Clock } from '../../src/domain/ports.js';
import { buildHttpApp, type RouteInfo } from '../../src/http/build-http-app.js';
import { buildServices } from '../../src/services.js';
import { startWorkerPool } from '../../src/worker/worker-pool.js';
import { testAdminKey, type TestServer } from './start-test-server.js';

/** Real time plus an offset the test moves forward (so leases and renders still see time pass). */
export interface FakeClock extends Clock {
  advance(ms: number): void;
}

export function fakeClock(startMs: number = Date.now()): FakeClock {
  let offsetMs = startMs - Date.now();
  return {
    nowMs: () => Date.now() + offsetMs,
    advance(ms) {
      offsetMs += ms;
    },
  };
}

export interface ClockedServer extends TestServer {
  clock: FakeClock;
  /** The use-case dependencies, so tests can step background duties (sweepRetention) themselves. */
  deps: AppDeps;
}

/**
 * Like startTestServer, but composed here with an injected clock (buildServices(config, { clock }))
 * and without the maintenance loop: tests call the single-step functions themselves.
 */
export async function startClockedServer(env: Record<string, string> = {}, clock: FakeClock = fakeClock()): Promise<ClockedServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-clocked-'));
  const config = parseConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    WANGATE_ADMIN_KEY: testAdminKey,
    WANGATE_ALLOW_LOOPBACK_MEDIA: 'true',
    WORKER_IDLE_POLL_MS: '100',
    LOG_LEVEL: 'warn',
    ...env,
  });
  const services = await buildServices(config, { clock });
  const { deps } = services;
  await ensureAdminKey(deps, config.adminKey);
  const pool = startWorkerPool(deps, [...deps.engines.values()], { idlePollMs: config.workerIdlePollMs, pollIntervalMs: config.workerPollIntervalMs });
  services.onWork(() => pool.wake());
  const routes: RouteInfo[] = [];
  const app = buildHttpApp(deps, { logLevel: config.logLevel }, routes);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://localhost:${typeof address === 'object' && address ? address.port : 0}`;
  services.setBaseUrl(url);
  const stop = async () => {
    await app.close();
    await pool.stop();
    await services.close();
  };
  return {
    url,
    dataDir: dir,
    clock,
    deps,
    async api(method, urlPath, body, key = testAdminKey) {
      const headers: Record<string, string> = {};
      if (key !== null) headers.authorization = `Bearer ${key}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(url + urlPath, { method, headers, ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
      const text = await res.text();
      let json: unknown = text;
      try {
        json = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, json, headers: res.headers };
    },
    routes,
    stop,
    async cleanup() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
