/**
 * The README's SDK and CLI examples, run exactly as written (the blocks after `<!-- doc-test: NAME -->`)
 * against a real server, in a folder where a user would run them: the SDK example as an ES module that
 * imports @wangate/client, the CLI example with `wangate` on the PATH.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeFixtures } from '../helpers/make-fixtures.js';
import { probeVideo } from '../helpers/probe-video.js';
import { cleanEnv, repoRoot, runProcess, wangateBin } from '../helpers/run-cli.js';
import { startTestServer, testAdminKey, type TestServer } from '../helpers/start-test-server.js';

let server: TestServer;
let dir: string;
let env: NodeJS.ProcessEnv;

/** The code block that follows a `<!-- doc-test: name -->` marker in the README. */
async function readmeExample(name: string): Promise<string> {
  const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
  const match = new RegExp(`<!-- doc-test: ${name} -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``).exec(readme);
  if (!match) throw new Error(`README.md has no example marked doc-test: ${name}`);
  return match[1]!;
}

beforeAll(async () => {
  server = await startTestServer({ WORKER_CONCURRENCY: '2' });
  dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-readme-'));
  const fx = await makeFixtures(path.join(dir, 'fixtures'));
  // The user's folder: their image, the installed package, and `wangate` on the PATH.
  await copyFile(fx.redPng, path.join(dir, 'first.png'));
  await symlink(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  await mkdir(path.join(dir, 'bin'));
  await symlink(wangateBin, path.join(dir, 'bin', 'wangate'));
  env = cleanEnv({ WANGATE_BASE_URL: server.url, WANGATE_API_KEY: testAdminKey, XDG_CONFIG_HOME: path.join(dir, 'config') });
  env.PATH = `${path.join(dir, 'bin')}:${env.PATH}`;
});
afterAll(async () => {
  await server?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

it('the SDK example runs as written: progress lines, cat.mp4, a first-frame task and the list', async () => {
  await writeFile(path.join(dir, 'example.mjs'), await readmeExample('sdk'));
  const run = await runProcess(process.execPath, ['example.mjs'], { env, cwd: dir });
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/^completed 100$/m);
  expect(run.stdout).toMatch(/^i2v_first_frame 0\.5 USD$/m);
  expect(run.stdout).toMatch(/^task_\w+ 5$/m);
  expect(await probeVideo(path.join(dir, 'cat.mp4'))).toMatchObject({ width: 1280, height: 720 });
});

it('the CLI example runs as written: every command succeeds and the MP4s are whole', async () => {
  await writeFile(path.join(dir, 'example.sh'), `set -euo pipefail\n${await readmeExample('cli')}\n`);
  const run = await runProcess('bash', ['example.sh'], { env, cwd: dir });
  expect(run.code, run.stderr).toBe(0);
  for (const file of ['cat.mp4', 'wake.mp4', 'asleep.mp4']) expect((await probeVideo(path.join(dir, file))).durationSeconds).toBeCloseTo(5, 0);
  expect(JSON.parse(await readFile(path.join(dir, 'asleep.json'), 'utf8'))).toMatchObject({ status: 'completed' });
  expect(run.stdout).toMatch(/STATUS/);
  expect(run.stdout).toMatch(/unlimited/);
  expect((await stat(path.join(dir, 'wake.mp4'))).size).toBeGreaterThan(1000);
  // Three 5 s renders one after another: about 35 s on two cores shared with other suites.
}, 150_000);

it("the SDK package's own README shows the same tested example", async () => {
  const own = await readFile(path.join(repoRoot, 'packages/client/README.md'), 'utf8');
  expect(own).toContain(`<!-- doc-test: sdk -->\n\`\`\`ts\n${await readmeExample('sdk')}\n\`\`\``);
});
