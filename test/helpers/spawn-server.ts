import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsxLoader = require.resolve('tsx');

export interface ServerProcess {
  child: ChildProcess;
  /** The API's URL ('' for a work process). */
  url: string;
  /** The metrics port's URL, when METRICS_PORT was given. */
  metricsUrl?: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
}

/**
 * Runs the real entry point (src/main.ts) as a separate process, so a test can kill -9 it. `work` has
 * no API port: it is ready once its METRICS_PORT answers, so that variable is required for it.
 */
export async function spawnServer(env: Record<string, string>, command: 'serve' | 'work' = 'serve'): Promise<ServerProcess> {
  if (command === 'work' && env.METRICS_PORT === undefined) throw new Error('a work process needs METRICS_PORT to tell when it is ready');
  const child = spawn(process.execPath, ['--import', tsxLoader, path.join(root, 'src/main.ts'), command], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      const metricsUp = /metrics, health and readiness on/.test(out);
      if (command === 'work' && metricsUp) resolve('');
      else if (m && (env.METRICS_PORT === undefined || metricsUp)) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`server exited early (${code}):\n${out}`)));
  });
  const metricsUrl = /metrics, health and readiness on (http:\/\/\S+)/.exec(out)?.[1];
  return { child, url, ...(metricsUrl && { metricsUrl }), output: () => out };
}

export function killHard(p: ServerProcess): Promise<void> {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null) return resolve();
    p.child.once('exit', () => resolve());
    p.child.kill('SIGKILL');
  });
}
