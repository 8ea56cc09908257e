import { ensureAdminKey } from './app/api-keys.js';
import type { AppDeps } from './app/deps.js';
import type { Clock } from './domain/ports.js';
import { parseConfig, parseMcpConfig, type Config } from './config.js';
import { buildHttpApp, type RouteInfo } from './http/build-http-app.js';
import { buildServices } from './services.js';
import { newId } from './domain/ids.js';
import { startMaintenanceLoop } from './worker/maintenance-loop.js';
import { maintenanceSteps } from './worker/maintenance-steps.js';
import { startWorkerPool } from './worker/worker-pool.js';

export interface RunningServer {
  url: string;
  /** Every HTTP route this server answers. */
  routes: RouteInfo[];
  /** The use-case dependencies (in-process callers, e.g. tests stepping background duties). */
  deps: AppDeps;
  stop(): Promise<void>;
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
  const maintenance = opts.maintenance === false ? null : startMaintenanceLoop(deps, maintenanceSteps(deps, newId('wrk')), 1000);
  const routes: RouteInfo[] = [];
  const app = opts.workOnly ? null : buildHttpApp(deps, { logLevel: config.logLevel, requestTimeoutMs: config.httpRequestTimeoutMs, headersTimeoutMs: config.httpHeadersTimeoutMs }, routes);
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
  if (app) {
    process.stdout.write(`wangate: listening on ${url} (engine: ${deps.engine.id}, data: ${config.dataDir})\n`);
    process.stdout.write(`wangate: web console at ${url}/console/ (sign in with an API key${adminSecret ? ', e.g. the admin key above' : ''})\n`);
  }
  return {
    url,
    routes,
    deps,
    async stop() {
      await app?.close();
      await pool.stop();
      await maintenance?.stop();
      await services.close();
    },
  };
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
  const shutdown = () => {
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

const isEntry = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isEntry) await main(process.argv.slice(2));
