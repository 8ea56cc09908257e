import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { ensureAdminKey } from './app/api-keys.js';
import type { AppDeps } from './app/deps.js';
import type { Clock } from './domain/ports.js';
import { parseConfig, parseMcpConfig, type Config } from './config.js';
import { buildHttpApp, buildOpsApp, type RouteInfo } from './http/build-http-app.js';
import { buildServices } from './services.js';
import { newId } from './domain/ids.js';
import { startMaintenanceLoop } from './worker/maintenance-loop.js';
import { maintenanceSteps } from './worker/maintenance-steps.js';
import { startWorkerPool } from './worker/worker-pool.js';

export interface RunningServer {
  url: string;
  /** Every HTTP route this server answers. */
  routes: RouteInfo[];
  /** The metrics port (METRICS_PORT: /metrics, /healthz, /readyz without a key); undefined when not set. */
  metricsUrl: string | undefined;
  /** The use-case dependencies (in-process callers, e.g. tests stepping background duties). */
  deps: AppDeps;
  /** Stops at once (tests): running steps get a short grace, their leases cover the rest. */
  stop(): Promise<void>;
  /**
   * Graceful shutdown (SIGTERM): /readyz turns 503, no new requests or tasks are taken, requests in
   * flight finish, event streams close with a retry hint, running tasks are handed back to the queue
   * (a local render first gets SHUTDOWN_TASK_GRACE_MS to finish), then everything closes.
   */
  drain(): Promise<void>;
}

export interface StartOptions {
  workOnly?: boolean;
  clock?: Clock;
  /** false: no background loop; the caller steps the maintenance duties itself (tests). */
  maintenance?: boolean;
}

/** Starts the API and (unless concurrency is 0) the in-process worker pool. */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const services = await buildServices(config, opts.clock ? { clock: opts.clock } : {});
  const { deps } = services;
  const adminSecret = await ensureAdminKey(deps, config.adminKey);
  const pool = startWorkerPool(deps, [...deps.engines.values()], { idlePollMs: config.workerIdlePollMs, pollIntervalMs: config.workerPollIntervalMs });
  services.onWork(() => pool.wake());
  // Background duties beside the workers (each is a single-step function of its use case).
  const maintenance = opts.maintenance === false ? null : startMaintenanceLoop(deps, maintenanceSteps(deps, newId('wrk')), config.maintenanceIdlePollMs);
  const routes: RouteInfo[] = [];
  const httpOptions = { logLevel: config.logLevel, requestTimeoutMs: config.httpRequestTimeoutMs, headersTimeoutMs: config.httpHeadersTimeoutMs, logger: services.logger };
  const app = opts.workOnly ? null : buildHttpApp(deps, httpOptions, routes);
  let url = '';
  if (app) {
    await app.listen({ port: config.port, host: config.host });
    url = `http://localhost:${boundPort(app.server.address(), config.port)}`;
    services.setBaseUrl(url);
  }
  // Worker processes have no API port: this is how they are scraped and probed.
  const opsApp = config.metricsPort === undefined ? null : buildOpsApp(deps, services.logger);
  let metricsUrl: string | undefined;
  if (opsApp) {
    await opsApp.listen({ port: config.metricsPort!, host: config.metricsHost });
    metricsUrl = `http://${config.metricsHost.includes(':') ? `[${config.metricsHost}]` : config.metricsHost}:${boundPort(opsApp.server.address(), config.metricsPort!)}`;
  }
  if (adminSecret) {
    process.stdout.write(`\nwangate: created the admin API key (shown once, keep it):\n  ${adminSecret}\n`);
  }
  if (app) {
    process.stdout.write(`wangate: listening on ${url} (engine: ${deps.engine.id}, data: ${config.dataDir})\n`);
    process.stdout.write(`wangate: web console at ${url}/console/ (sign in with an API key${adminSecret ? ', e.g. the admin key above' : ''})\n`);
  }
  if (metricsUrl) process.stdout.write(`wangate: metrics, health and readiness on ${metricsUrl}\n`);
  return {
    url,
    metricsUrl,
    routes,
    deps,
    async stop() {
      // Streams end at close (event streams, downloads): their keep-alive connections are closed as they turn idle.
      if (app) await closeGracefully(app);
      if (opsApp) await closeGracefully(opsApp);
      await pool.stop();
      await maintenance?.stop();
      await services.close();
    },
    async drain() {
      deps.lifecycle.draining = true;
      deps.log.info({}, 'draining: finishing requests in flight, handing running tasks back');
      await Promise.all([app && closeGracefully(app), pool.drain(config.shutdownTaskGraceMs)]);
      await maintenance?.stop();
      if (opsApp) await closeGracefully(opsApp);
      await services.close();
    },
  };
}

/**
 * Stops listening and waits for the requests in flight. A keep-alive connection whose request was in
 * flight when closing began turns idle afterwards: those are closed as they come, or close() would
 * wait for their clients to hang up.
 */
async function closeGracefully(app: FastifyInstance): Promise<void> {
  const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
  try {
    await app.close();
  } finally {
    clearInterval(sweep);
  }
}

function boundPort(address: string | AddressInfo | null, configured: number): number {
  return typeof address === 'object' && address ? address.port : configured;
}

const usage = `usage: wangate <command>
  serve                  API and workers (default)
  work                   workers only (scale rendering apart from the API)
  dev fake-dashscope     a local DashScope simulator for offline development (--help for options)
  mcp                    a Model Context Protocol server over stdio for AI agents, talking to a gateway
                         (WANGATE_API_KEY, WANGATE_BASE_URL; default http://localhost:8080)
`;

/** A start with wrong settings stops before doing anything, listing every problem (exit code 2). */
function configOrExit<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
}

export async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv;
  if (command === 'dev' && rest[0] === 'fake-dashscope') {
    const { runFakeDashscopeCli } = await import('./dev/fake-dashscope/fake-dashscope-cli.js');
    const fake = await runFakeDashscopeCli(rest.slice(1));
    if (fake) process.once('SIGINT', () => void fake.close().then(() => process.exit(0)));
    return;
  }
  if (command === 'mcp') {
    const mcpConfig = configOrExit(() => parseMcpConfig(process.env));
    const { runMcpServer } = await import('./mcp/mcp-server.js');
    await runMcpServer(mcpConfig);
    return;
  }
  if (command !== 'serve' && command !== 'work') {
    process.stderr.write(usage);
    process.exit(command === 'help' || command === '--help' ? 0 : 2);
  }
  const config = configOrExit(() => parseConfig(process.env));
  if (command === 'serve') {
    // Served from dist/console: build it first when missing or older than its sources (offline, from node_modules).
    const { ensureConsoleBuilt } = await import('./http/console/console-assets.js');
    await ensureConsoleBuilt({ quiet: true }).catch((err: Error) => process.stderr.write(`wangate: the web console could not be built: ${err.message}\n`));
  }
  const server = await startServer(config, { workOnly: command === 'work' });
  let draining = false;
  // First signal: drain (bounded by SHUTDOWN_TIMEOUT_MS). A second one: exit at once; leases then
  // run out as after a crash and other workers take the tasks over.
  const shutdown = (signal: NodeJS.Signals) => {
    if (draining) {
      process.stderr.write(`wangate: ${signal} again: exiting now\n`);
      process.exit(1);
    }
    draining = true;
    process.stderr.write(`wangate: ${signal}: draining (again to exit at once)\n`);
    setTimeout(() => {
      process.stderr.write(`wangate: still draining after ${config.shutdownTimeoutMs} ms: exiting now\n`);
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    server.drain().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`wangate: draining failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

const isEntry = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isEntry) await main(process.argv.slice(2));
