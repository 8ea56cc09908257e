/**
 * The built SDK (packages/client/dist, what npm install builds) in a real browser: Chromium imports it
 * as an ES module from the server's origin and generates a video from a Blob made in the page,
 * following it by the event stream, downloads a Range of it and verifies a webhook with WebCrypto.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeFixtures } from '../helpers/make-fixtures.js';
import { startTestServer, testAdminKey, type TestServer } from '../helpers/start-test-server.js';

const dist = fileURLToPath(new URL('../../packages/client/dist/', import.meta.url));
let server: TestServer;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  if (!existsSync(path.join(dist, 'index.js'))) throw new Error('packages/client/dist is missing: run `npm run build` (npm install does it)');
  server = await startTestServer({ WORKER_CONCURRENCY: '1' });
  dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-browser-'));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser?.close();
  await server?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

it('runs in Chromium: generate from an in-page Blob, wait by events, download a Range, verify a webhook', async () => {
  const fx = await makeFixtures(dir);
  const png = (await readFile(fx.redPng)).toString('base64');
  const secretKey = randomBytes(24);
  const webhook = { id: 'msg_browser', timestamp: Math.floor(Date.now() / 1000), body: JSON.stringify({ type: 'task.completed', timestamp: new Date().toISOString(), data: { id: 'task_x' } }) };
  const signature = `v1,${createHmac('sha256', secretKey).update(`${webhook.id}.${webhook.timestamp}.${webhook.body}`).digest('base64')}`;

  // The page imports the SDK as an application would; the test drives it through window.sdk.
  const page_ = '<!doctype html><title>sdk</title><script type="module">import * as sdk from "/sdk/index.js"; window.sdk = sdk;</script>';
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // The SDK's files and an empty page are served on the API's own origin, so no CORS is involved.
  await page.route(`${server.url}/sdk/**`, async (route) => {
    const name = new URL(route.request().url()).pathname.slice('/sdk/'.length);
    if (name === 'index.html') return route.fulfill({ contentType: 'text/html', body: page_ });
    const file = path.join(dist, path.normalize(name));
    if (!file.startsWith(dist) || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ contentType: 'text/javascript', body: await readFile(file, 'utf8') });
  });
  await page.goto(`${server.url}/sdk/index.html`);
  await page.waitForFunction(() => 'sdk' in window);
  const result = await page.evaluate(
    async ({ apiKey, png, webhook, signature, secret }) => {
      const sdk = (window as unknown as { sdk: typeof import('../../packages/client/src/index.js') }).sdk;
      const client = new sdk.Wangate({ apiKey, baseURL: location.origin });
      const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
      const statuses: string[] = [];
      const task = await client.videos.generateAndWait(
        { model: 'wan2.7', prompt: 'from a browser', image_urls: [new Blob([bytes], { type: 'image/png' })], resolution: '720P', duration: 2 },
        { onProgress: (t) => statuses.push(t.status) },
      );
      const part = await client.tasks.downloadContent(task.id, { range: { start: 0, end: 7 } });
      const head = new Uint8Array(await part.arrayBuffer());
      let notFound = '';
      await client.tasks.retrieve('task_01ARZ3NDEKTSV4RRFFQ69G5FAV').catch((e: Error) => (notFound = e.name));
      const event = await sdk.verifyWebhook(webhook.body, { 'webhook-id': webhook.id, 'webhook-timestamp': String(webhook.timestamp), 'webhook-signature': signature }, secret);
      let forged = '';
      await sdk.verifyWebhook(`${webhook.body} `, { 'webhook-id': webhook.id, 'webhook-timestamp': String(webhook.timestamp), 'webhook-signature': signature }, secret).catch((e: Error) => (forged = e.name));
      return { mode: task.mode, status: task.status, statuses, partStatus: part.status, ftyp: new TextDecoder().decode(head.subarray(4, 8)), notFound, eventType: event.type, forged };
    },
    { apiKey: testAdminKey, png, webhook, signature, secret: `whsec_${secretKey.toString('base64')}` },
  );
  expect(errors).toEqual([]);
  expect(result).toMatchObject({ mode: 'i2v_first_frame', status: 'completed', partStatus: 206, ftyp: 'ftyp', notFound: 'TaskNotFoundError', eventType: 'task.completed', forged: 'WebhookVerificationError' });
  expect(result.statuses.at(-1)).toBe('completed');
});
