import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { ensureConsoleBuilt } from '../../src/http/console/console-assets.js';
import { startTestServer, type TestServer } from './start-test-server.js';

/**
 * Browser tests of the web console: Debian's Chromium driven by playwright-core, headless, with no
 * outside network (the flags keep Chromium from calling home), against a real server on 127.0.0.1.
 */

export const chromiumPath = process.env.WANGATE_CHROMIUM ?? '/usr/bin/chromium';
const screenshotDir = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

export const viewports = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--autoplay-policy=no-user-gesture-required'],
  });
}

/** A server whose console is built and current. */
export async function startConsoleServer(env: Record<string, string> = {}): Promise<TestServer> {
  await ensureConsoleBuilt({ quiet: true });
  return startTestServer({ LOG_LEVEL: 'error', ...env });
}

export interface ConsoleSuite {
  server: TestServer;
  browser: Browser;
}

/** One server and one browser for a test file, started before its tests and stopped after. */
export function useConsoleSuite(env: Record<string, string> = {}): ConsoleSuite {
  const suite = {} as ConsoleSuite;
  beforeAll(async () => {
    [suite.server, suite.browser] = await Promise.all([startConsoleServer(env), launchBrowser()]);
  }, 120_000);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.cleanup();
  });
  return suite;
}

/** A fresh browser profile (its own cookies) allowed to use the clipboard on the server's origin. */
export async function newContext(browser: Browser, server: TestServer, viewport: keyof typeof viewports = 'desktop'): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: viewports[viewport], baseURL: server.url, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  return context;
}

/** Collects what would show a broken page: script errors and CSP violations. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d|Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return errors;
}

export async function signIn(page: Page, key: string): Promise<void> {
  await page.goto('/console/');
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.getByRole('button', { name: 'Sign out' }).isVisible(), { timeout: 15_000 }).toBe(true);
}

/** A fresh browser profile signed in with `key`, on the console page at `route`. */
export async function signedInPage(suite: ConsoleSuite, key: string, route?: [string, string]): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(suite.browser, suite.server);
  const page = await context.newPage();
  await signIn(page, key);
  if (route) await openPage(page, ...route);
  return { context, page };
}

/** The console page at a route (`keys`, `tasks`…), once its heading shows. */
export async function openPage(page: Page, route: string, title: string): Promise<void> {
  await page.goto(`/console/#/${route}`);
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

/** Screenshots of the current page at desktop and phone width, into test-results/screenshots (git-ignored). */
export async function screenshots(page: Page, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  for (const [label, size] of Object.entries(viewports)) {
    await page.setViewportSize(size);
    // From the top (sticky parts sit where they belong), after two frames: resize observers (the
    // charts) run, then the page paints at the new size.
    await page.evaluate(() => new Promise((done) => (scrollTo(0, 0), requestAnimationFrame(() => requestAnimationFrame(done)))));
    await page.screenshot({ path: path.join(screenshotDir, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(viewports.desktop);
}

export const clipboardText = (page: Page): Promise<string> => page.evaluate(() => navigator.clipboard.readText());
