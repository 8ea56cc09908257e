import { readFile, readdir } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { parseConfig } from '../src/config.js';
import { consoleDistDir, ensureConsoleBuilt } from '../src/http/console/console-assets.js';
import { startServer } from '../src/main.js';

const adminKey = 'wg_bench_admin_key_0123456789abcdef';
const loads = 5;

const gzipBytes = async (file: string) => gzipSync(await readFile(file)).length;

/** The console's weight: gzip'd JS + CSS its page loads at first (the sign-in), and of every page's files. */
async function consoleSizes(): Promise<{ firstLoadKb: number; allKb: number }> {
  const html = await readFile(path.join(consoleDistDir, 'index.html'), 'utf8');
  const firstLoad = [...html.matchAll(/(?:src|href)="\/console\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  const assets = (await readdir(path.join(consoleDistDir, 'assets'))).filter((f) => /\.(js|css)$/.test(f));
  const sum = async (files: string[]) => (await Promise.all(files.map((f) => gzipBytes(path.join(consoleDistDir, f))))).reduce((a, b) => a + b, 0);
  return { firstLoadKb: (await sum(firstLoad)) / 1024, allKb: (await sum(assets.map((f) => `assets/${f}`))) / 1024 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Time to interactive on this machine, cold (a fresh browser profile each load, so nothing cached):
 * from navigation start until the sign-in field can be typed into, and, signed in, until the Keys
 * page shows the key's data. Median of five loads each, Debian's Chromium, headless.
 */
async function consoleTti(url: string): Promise<{ loginMs: number; signedInMs: number }> {
  const browser = await chromium.launch({
    executablePath: process.env.WANGATE_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const login: number[] = [];
  const signedIn: number[] = [];
  try {
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext({ baseURL: url });
      const page = await context.newPage();
      await page.goto('/console/', { waitUntil: 'commit' });
      const ready = await page.waitForFunction(() => !!document.querySelector('input[name=key]:not([disabled])') && performance.now(), undefined, { polling: 'raf' });
      login.push((await ready.jsonValue()) as number);
      await page.fill('input[name=key]', adminKey);
      await page.click('button[type=submit]');
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      // Signed in, cold again: a new profile holding only the session cookie.
      const cold = await browser.newContext({ baseURL: url });
      await cold.addCookies(await context.cookies());
      await context.close();
      const keysPage = await cold.newPage();
      await keysPage.goto('/console/#/keys', { waitUntil: 'commit' });
      const keys = await keysPage.waitForFunction(() => !!document.querySelector('[data-testid=balance]') && performance.now(), undefined, { polling: 'raf' });
      signedIn.push((await keys.jsonValue()) as number);
      await cold.close();
    }
  } finally {
    await browser.close();
  }
  return { loginMs: median(login), signedInMs: median(signedIn) };
}

/** The web console: first-load size (target < 150 KB gzip) and time to interactive (target < 1 s). */
export async function benchConsole(): Promise<Record<string, number>> {
  await ensureConsoleBuilt({ quiet: true });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-bench-console-'));
  const server = await startServer(parseConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir, WANGATE_ADMIN_KEY: adminKey, WORKER_CONCURRENCY: '0', LOG_LEVEL: 'warn' }), {
    maintenance: false,
  });
  try {
    const sizes = await consoleSizes();
    const tti = await consoleTti(server.url);
    const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
    return {
      console_first_load_gzip_kb: round(sizes.firstLoadKb),
      console_all_pages_gzip_kb: round(sizes.allKb),
      console_tti_login_ms: Math.round(tti.loginMs),
      console_tti_signed_in_ms: Math.round(tti.signedInMs),
    };
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
