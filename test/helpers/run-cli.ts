import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const wangateBin = path.join(repoRoot, 'bin/wangate.mjs');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a CLI run: this process's, minus anything that would choose a gateway, key or profile. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['WANGATE_API_KEY', 'WANGATE_BASE_URL', 'WANGATE_PROFILE', 'CI']) delete env[name];
  return { ...env, ...extra };
}

/** Runs a command to its end; stdin is the given text (or empty). */
export function runProcess(command: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string; input?: string }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: opts.env, cwd: opts.cwd ?? repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** `wangate ARGS` as a user runs it (node bin/wangate.mjs). */
export function runWangate(args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string; input?: string }): Promise<CliRun> {
  return runProcess(process.execPath, [wangateBin, ...args], opts);
}
