import { ensureAdminKey } from './app/api-keys.js';
import { parseConfig, type Config } from './config.js';
import { buildHttpApp } from './http/build-http-app.js';
import { buildServices } from './services.js';
import { startWorkerPool } from './worker/worker-pool.js';

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts the API and (unless concurrency is 0) the in-process worker pool. */
export async function startServer(config: Config, opts: { workOnly?: boolean } = {}): Promise<RunningServer> {
  const services = await buildServices(config);
  const { deps } = services;
  const adminSecret = await ensureAdminKey(deps, config.adminKey);
  const pool = startWorkerPool(deps, [...deps.engines.values()], { idlePollMs: config.workerIdlePollMs, pollIntervalMs: config.workerPollIntervalMs });
  services.onWork(() => pool.wake());
  const app = opts.workOnly ? null : buildHttpApp(deps, { logLevel: config.logLevel });
  let url = '';
  if (app) {
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    url = `http://localhost:${port}`;
    services.setBaseUrl(url);
  }
  if (adminSecret) {
    process.stdout.write(`\nwangate: created the admin API key (shown once, keep it):\n  ${adminSecret}\n`);
  }
  if (app) process.stdout.write(`wangate: listening on ${url} (engine: ${deps.engine.id}, data: ${config.dataDir})\n`);
  return {
    url,
    async stop() {
      await app?.close();
      await pool.stop();
      await services.close();
    },
  };
}

async function main(): Promise<void> {
  const command = process.argv[2] ?? 'serve';
  if (command !== 'serve' && command !== 'work') {
    process.stderr.write(`usage: wangate [serve|work]\n`);
    process.exit(2);
  }
  let config: Config;
  try {
    config = parseConfig(process.env);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  const server = await startServer(config, { workOnly: command === 'work' });
  const shutdown = () => {
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

const isEntry = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isEntry) await main();
