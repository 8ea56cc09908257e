import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { killHard, spawnServer, type ServerProcess } from './spawn-server.js';

/** One machine of a test cluster: an API (`serve`, no workers) or a worker (`work`) process. */
export interface ClusterNode {
  name: string;
  /** The API's origin on 127.0.0.1 (kept across restarts); '' for a worker. */
  origin: string;
  process: ServerProcess;
  /** Kills it with -9 (no drain: leases and requests in flight are cut as in a crash). */
  kill(): Promise<void>;
  /** Starts it again with the same settings (an API on the same port, so clients reach it again). */
  restart(): Promise<void>;
}

export interface Cluster {
  nodes: ClusterNode[];
  /** Kills every process and removes their folders. */
  close(): Promise<void>;
}

/**
 * Starts processes that share only `shared` (database, Redis, storage, secrets); each gets its own
 * empty DATA_DIR for whatever it keeps locally, unless `shared` names the data folder itself.
 */
export async function startCluster(
  shared: Record<string, string>,
  specs: { name: string; command: 'serve' | 'work'; env: Record<string, string> }[],
): Promise<Cluster> {
  const dirs: string[] = [];
  const nodes: ClusterNode[] = [];
  const close = async () => {
    await Promise.all(nodes.map((n) => killHard(n.process)));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  };
  // Settled, not raced: when one fails to start, the others are still stopped (none left running).
  const started = await Promise.allSettled(
    specs.map(async (spec) => {
      const dir = await mkdtemp(path.join(os.tmpdir(), `wangate-${spec.name}-`));
      dirs.push(dir);
      let env = { DATA_DIR: dir, HOST: '127.0.0.1', PORT: '0', METRICS_PORT: '0', ...shared, ...spec.env };
      let process = await spawnServer(env, spec.command);
      const origin = process.url && `http://127.0.0.1:${new URL(process.url).port}`;
      // The same port again after a restart: clients that retry reach the new process.
      if (origin) env = { ...env, PORT: new URL(origin).port };
      const node: ClusterNode = {
        name: spec.name,
        origin,
        process,
        kill: () => killHard(node.process),
        async restart() {
          process = await spawnServer(env, spec.command);
          node.process = process;
        },
      };
      nodes.push(node);
    }),
  );
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await close();
    throw failed.reason;
  }
  nodes.sort((a, b) => specs.findIndex((s) => s.name === a.name) - specs.findIndex((s) => s.name === b.name));
  return { nodes, close };
}
