/**
 * The client CLI as a subprocess (node bin/wangate.mjs) against a real server on 127.0.0.1: runs to
 * files checked with ffprobe, --json, the exit codes, profiles, the admin commands, and a run under a
 * pseudo-terminal whose screen shows the progress bar.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSameBytes } from '../helpers/expect-same-bytes.js';
import { makeFixtures, type Fixtures } from '../helpers/make-fixtures.js';
import { probeVideo } from '../helpers/probe-video.js';
import { cleanEnv, runProcess, runWangate, wangateBin } from '../helpers/run-cli.js';
import { createKey, startTestServer, testAdminKey, type TestServer } from '../helpers/start-test-server.js';

let server: TestServer;
let dir: string;
let fx: Fixtures;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = await startTestServer({ WORKER_CONCURRENCY: '2' });
  dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-cli-'));
  fx = await makeFixtures(path.join(dir, 'fixtures'));
  env = cleanEnv({ WANGATE_BASE_URL: server.url, WANGATE_API_KEY: testAdminKey, XDG_CONFIG_HOME: path.join(dir, 'config') });
});
afterAll(async () => {
  await server?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const wangate = (args: string[], extra: { env?: NodeJS.ProcessEnv; input?: string } = {}) => runWangate(args, { env: extra.env ?? env, cwd: dir, ...(extra.input !== undefined && { input: extra.input }) });
const small = ['--resolution', '720P', '--duration', '2'];
// Nothing listens there: without retries the connection error (exit 5) comes at once, not after the backoff.
const unreachable = { WANGATE_BASE_URL: 'http://127.0.0.1:59999', WANGATE_MAX_RETRIES: '0' };

describe('generate', () => {
  it('runs text-to-video to a file: routed mode and quote on stderr, the path on stdout, a playable MP4', async () => {
    const run = await wangate(['generate', 'A cat chasing butterflies', ...small, '--seed', '7', '-o', 'cat.mp4']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('cat.mp4\n');
    expect(run.stderr).toMatch(/task_\w+: mode t2v \(text-to-video\) · quote 0\.20 USD · engine local/);
    expect(run.stderr).toMatch(/completed/);
    expect(await probeVideo(path.join(dir, 'cat.mp4'))).toMatchObject({ width: 1280, height: 720, codecs: ['h264', 'aac'] });
  });

  it('uploads a local first frame and renders image-to-video', async () => {
    const run = await wangate(['generate', 'the red square moves', '--image', fx.redPng, ...small, '-o', 'first.mp4']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('uploading red.png');
    expect(run.stderr).toMatch(/mode i2v_first_frame/);
    const video = await probeVideo(path.join(dir, 'first.mp4'));
    expect(video.durationSeconds).toBeCloseTo(2, 0);
  });

  it('--json prints exactly the task JSON on stdout and nothing on stderr', async () => {
    const run = await wangate(['generate', 'json please', ...small, '-o', 'json.mp4', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const task = JSON.parse(run.stdout);
    const { json } = await server.api('GET', `/v1/tasks/${task.id}`);
    expect(task).toEqual({ ...json.data, result: { videos: [{ ...json.data.result.videos[0], url: expect.any(Array), expires_at: expect.any(Number) }] } });
    expect((await stat(path.join(dir, 'json.mp4'))).size).toBeGreaterThan(1000);
  });

  it('exits 1 when the task fails (with the failed task under --json), 2 on a bad flag or bad input, 3 on a bad key, 5 when the server is unreachable', async () => {
    const failed = await wangate(['generate', '--video', fx.clipMp4, '--duration', '3', '--resolution', '720P', '--json']);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ status: 'failed', error: { reason: 'duration_too_short' } });
    expect(failed.stderr).toMatch(/failed: .*duration_too_short/);
    const badFlag = await wangate(['generate', 'x', '--colour', 'red']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain("Unknown option '--colour'");
    expect((await wangate(['generate', 'x', '--image', 'no-such.png'])).code).toBe(2);
    const badInput = await wangate(['generate', 'x', '--duration', '99']);
    expect(badInput.code).toBe(2);
    expect(badInput.stderr).toMatch(/param: duration/);
    const badKey = await wangate(['generate', 'x', ...small], { env: { ...env, WANGATE_API_KEY: 'wg_not_a_key' } });
    expect(badKey.code).toBe(3);
    expect((await wangate(['balance'], { env: { ...env, WANGATE_API_KEY: '' } })).code).toBe(3);
    expect((await wangate(['balance'], { env: { ...env, ...unreachable } })).code).toBe(5);
  });

  it('--no-wait prints the task id; wait saves the MP4; get, cancel and download follow the API', async () => {
    const submitted = await wangate(['generate', 'later', ...small, '--no-wait']);
    expect(submitted.code, submitted.stderr).toBe(0);
    const id = submitted.stdout.trim();
    expect(id).toMatch(/^task_\w{26}$/);
    const waited = await wangate(['wait', id, '-o', 'later.mp4']);
    expect(waited.code, waited.stderr).toBe(0);
    const downloaded = await wangate(['download', id, '-o', 'again.mp4', '--quiet']);
    expect(downloaded).toMatchObject({ code: 0, stdout: 'again.mp4\n', stderr: '' });
    expectSameBytes(await readFile(path.join(dir, 'again.mp4')), await readFile(path.join(dir, 'later.mp4')));
    const got = await wangate(['get', id]);
    expect(got.stdout).toMatch(new RegExp(`^${id}  completed  100%`));
    const cancelled = await wangate(['cancel', id, '--json']);
    expect(cancelled.code).toBe(1);
    expect(cancelled.stderr).toMatch(/task_already_finished|not_cancellable/);
  });

  it('wait --timeout exits 4 and says how to resume; the task keeps running', async () => {
    const idle = await startTestServer({ WORKER_CONCURRENCY: '0' });
    try {
      const idleEnv = { ...env, WANGATE_BASE_URL: idle.url };
      const id = (await wangate(['generate', 'stays queued', ...small, '--no-wait'], { env: idleEnv })).stdout.trim();
      const run = await wangate(['wait', id, '--timeout', '1'], { env: idleEnv });
      expect(run.code).toBe(4);
      expect(run.stderr).toContain(`resume with: wangate wait ${id}`);
      expect((await idle.api('GET', `/v1/tasks/${id}`)).json.data.status).toBe('pending');
    } finally {
      await idle.cleanup();
    }
  });
});

describe('keys, profiles and secrets', () => {
  it('admin commands create, list, credit and revoke keys; tasks, balance and usage show a key its own', async () => {
    const created = await wangate(['keys', 'create', '--name', 'cli-app', '--balance', '3', '--max-queued', '5']);
    expect(created.code, created.stderr).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^wg_/);
    const keys = JSON.parse((await wangate(['keys', 'list', '--json'])).stdout);
    const id = keys.find((k: { name: string }) => k.name === 'cli-app').id;
    expect((await wangate(['keys', 'credit', id, '1.5', '--note', 'top-up'])).stdout).toContain('4.50 USD');
    const appEnv = { ...env, WANGATE_API_KEY: secret };
    expect((await wangate(['generate', 'mine', ...small, '-o', 'mine.mp4'], { env: appEnv })).code).toBe(0);
    expect((await wangate(['balance'], { env: appEnv })).stdout).toMatch(/^4\.30 USD {2}\(key cli-app, /);
    const tasks = JSON.parse((await wangate(['tasks', '--json', '--status', 'completed'], { env: appEnv })).stdout);
    expect(tasks.data).toHaveLength(1);
    const usage = JSON.parse((await wangate(['usage', '--json'], { env: appEnv })).stdout);
    expect(usage.entries.map((e: { kind: string }) => e.kind)).toContain('capture');
    expect((await wangate(['keys', 'list'], { env: appEnv })).code).toBe(3);
    expect((await wangate(['keys', 'revoke', id, '--json'])).code).toBe(0);
    expect((await wangate(['balance'], { env: appEnv })).code).toBe(3);
  });

  it('login keeps a checked key in a 0600 profile that later commands use; the key never shows in output', async () => {
    const key = await createKey(server, { name: 'profiled' });
    const noKeyEnv = cleanEnv({ XDG_CONFIG_HOME: path.join(dir, 'profiles') });
    const login = await wangate(['login', '--base-url', server.url, '--profile', 'work'], { env: noKeyEnv, input: `${key.key}\n` });
    expect(login.code, login.stderr).toBe(0);
    const file = path.join(dir, 'profiles', 'wangate', 'config.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8')).profiles.work).toEqual({ base_url: server.url, api_key: key.key });
    const balance = await wangate(['balance', '--profile', 'work', '--json'], { env: noKeyEnv });
    expect(JSON.parse(balance.stdout)).toMatchObject({ id: key.id, name: 'profiled' });
    for (const run of [login, balance]) expect(run.stdout + run.stderr).not.toContain(key.key);
    expect((await wangate(['balance', '--profile', 'nope'], { env: noKeyEnv })).code).toBe(2);
    // The environment wins over the profile, and a flag over the environment.
    expect((await wangate(['balance', '--profile', 'work'], { env: { ...noKeyEnv, WANGATE_API_KEY: 'wg_not_a_key' } })).code).toBe(3);
    expect((await wangate(['balance', '--profile', 'work', '--base-url', unreachable.WANGATE_BASE_URL], { env: { ...noKeyEnv, WANGATE_MAX_RETRIES: '0' } })).code).toBe(5);
    const refused = await wangate(['login', '--base-url', server.url], { env: noKeyEnv, input: 'wg_wrong\n' });
    expect(refused.code).toBe(3);
  });

  it('--api-key works but warns that other users of the machine can see it', async () => {
    const run = await wangate(['balance', '--api-key', testAdminKey], { env: cleanEnv({ WANGATE_BASE_URL: server.url }) });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/--api-key is visible to other users/);
  });
});

describe('one binary, interrupts', () => {
  it('--help lists the client and the server commands; the same binary still serves', async () => {
    const help = await wangate(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['generate', 'wait', 'tasks', 'keys', 'serve', 'work', 'dev fake-dashscope']) expect(help.stdout).toContain(`  ${command}`);
    const serving = spawn(process.execPath, [wangateBin, 'serve'], {
      env: cleanEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: path.join(dir, 'served'), WANGATE_ADMIN_KEY: testAdminKey, LOG_LEVEL: 'warn' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        serving.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        serving.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
      });
      const balance = await wangate(['balance', '--json'], { env: { ...env, WANGATE_BASE_URL: url } });
      expect(JSON.parse(balance.stdout)).toMatchObject({ unlimited: true });
    } finally {
      serving.kill('SIGTERM');
    }
  });

  /** Starts `wangate wait` on a task that stays queued, sends Ctrl-C once it reported the task, and returns the run. */
  async function interruptWait(idle: TestServer, extra: string[]): Promise<{ id: string; code: number | null; stderr: string }> {
    const idleEnv = { ...env, WANGATE_BASE_URL: idle.url };
    const id = (await wangate(['generate', 'interrupted', ...small, '--no-wait'], { env: idleEnv })).stdout.trim();
    const child = spawn(process.execPath, [wangateBin, 'wait', id, ...extra], { env: idleEnv, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!sent && stderr.includes(`${id}: pending`)) sent = child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { id, code, stderr };
  }

  it('Ctrl-C while waiting leaves the task running and says how to resume; --cancel-on-interrupt cancels it', async () => {
    const idle = await startTestServer({ WORKER_CONCURRENCY: '0' });
    try {
      const left = await interruptWait(idle, ['-o', 'later.mp4']);
      expect(left.code).toBe(130);
      expect(left.stderr).toContain(`keeps running on the server; resume with: wangate wait ${left.id} -o later.mp4`);
      expect((await idle.api('GET', `/v1/tasks/${left.id}`)).json.data.status).toBe('pending');
      const cancelled = await interruptWait(idle, ['--cancel-on-interrupt']);
      expect(cancelled.code).toBe(1);
      expect(cancelled.stderr).toContain(`cancelled ${cancelled.id}`);
      expect((await idle.api('GET', `/v1/tasks/${cancelled.id}`)).json.data.status).toBe('cancelled');
    } finally {
      await idle.cleanup();
    }
  });
});

describe('at a terminal', () => {
  it('shows a progress bar on a pseudo-terminal, and the screen ends clean (cursor shown, final line the path)', async () => {
    const command = `stty cols 100 rows 30; exec ${process.execPath} ${wangateBin} generate 'A cat at a terminal' ${small.join(' ')} -o tty.mp4`;
    const run = await runProcess('script', ['-qec', command, '/dev/null'], { env, cwd: dir });
    expect(run.code, run.stdout).toBe(0);
    const screen = run.stdout;
    expect(screen).toMatch(/(rendering|completed) +█+░* \d+%/);
    expect(screen).toMatch(/completed +█{30} 100%/);
    expect(screen).toMatch(/download +█{30} 100% [\d.]+ [KM]B of [\d.]+ [KM]B/);
    // The bar hid the cursor and showed it again; the run ends with the saved path.
    expect(screen.lastIndexOf('\x1b[?25h')).toBeGreaterThan(screen.lastIndexOf('\x1b[?25l'));
    expect(stripVTControlCharacters(screen).trimEnd().split(/\r?\n/).at(-1)).toBe('tty.mp4');
    expect(await probeVideo(path.join(dir, 'tty.mp4'))).toMatchObject({ width: 1280 });
  });
});
