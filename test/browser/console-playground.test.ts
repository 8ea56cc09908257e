/**
 * The playground in a browser: the routed mode and the server's rules shown live, a price quote,
 * "copy as curl" of the exact request, runs of text-to-video and of first-frame (a local PNG uploaded
 * through /v1/files) followed over SSE to a playing, seekable <video> of the asked duration, and the
 * message of a task that fails.
 */
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipboardText, newContext, openPage, screenshots, signedInPage, signIn, useConsoleSuite, watchPageErrors } from '../helpers/console-browser.js';
import { makeFixtures, type Fixtures } from '../helpers/make-fixtures.js';
import { createKey } from '../helpers/start-test-server.js';

const suite = useConsoleSuite({ WORKER_CONCURRENCY: '2' });
let fx: Fixtures;
let scratch: string;
let userKey: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'wangate-playground-'));
  fx = await makeFixtures(path.join(scratch, 'fx'));
  userKey = (await createKey(suite.server, { name: 'player', balance: 5 })).key;
}, 120_000);
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const mode = (page: Page) => page.getByTestId('mode').textContent();

/** Waits for the result video, plays it and seeks in it; returns its duration as the browser read it. */
async function playResult(page: Page): Promise<number> {
  const video = page.getByTestId('result-video');
  await video.waitFor({ timeout: 90_000 });
  return video.evaluate(async (v: HTMLVideoElement) => {
    v.muted = true;
    if (v.readyState < 1) await new Promise((r) => v.addEventListener('loadedmetadata', r, { once: true }));
    await v.play();
    while (v.currentTime < 0.2) await new Promise((r) => v.addEventListener('timeupdate', r, { once: true }));
    v.pause();
    // Seeking needs HTTP Range on the content route.
    const seeked = new Promise((r) => v.addEventListener('seeked', r, { once: true }));
    v.currentTime = v.duration - 0.5;
    await seeked;
    if (v.error) throw new Error(`video error ${v.error.code}`);
    return v.duration;
  });
}

describe('the playground', () => {
  it('shows the routed mode and the server\'s own rule for an invalid combination before submitting', async () => {
    const { context, page } = await signedInPage(suite, userKey, ['playground', 'Playground']);
    await expect.poll(() => mode(page)).toContain("'prompt' is required for text-to-video");
    expect(await page.getByRole('button', { name: 'Generate' }).isDisabled()).toBe(true);
    await page.getByLabel('Prompt', { exact: true }).fill('a lighthouse at dusk');
    await expect.poll(() => mode(page)).toBe('Mode: text-to-video');
    await page.getByLabel('Last frame: URL').fill('https://example.com/last.png');
    await expect.poll(() => mode(page)).toContain('A last frame needs a first frame');
    await page.getByLabel('Continuation video: URL').fill('https://example.com/clip.mp4');
    await expect.poll(() => mode(page)).toBe('Mode: continuation');
    await page.getByLabel('Audio: URL').fill('https://example.com/a.mp3');
    await expect.poll(() => mode(page)).toContain('A continuation video cannot be combined with driving audio');
    await page.getByLabel('First frame: URL').fill('https://example.com/first.png');
    await expect.poll(() => mode(page)).toContain('continuation video cannot be combined with a first frame');
    await page.getByRole('button', { name: 'Remove Continuation video' }).click();
    await expect.poll(() => mode(page)).toBe('Mode: first + last frame + audio');
    await page.getByLabel('Duration (s)').fill('16');
    await expect.poll(() => mode(page)).toContain('duration');
    expect(await page.getByRole('button', { name: 'Generate' }).isDisabled()).toBe(true);
    await context.close();
  });

  it('runs text-to-video to a playing video of the asked duration, with quote and curl of the exact request', async () => {
    const context = await newContext(suite.browser, suite.server);
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await signIn(page, userKey);
    await openPage(page, 'playground', 'Playground');
    await page.getByLabel('Prompt', { exact: true }).fill('A red fox runs through snow');
    await page.getByLabel('Resolution').selectOption('720P');
    await page.getByLabel('Duration (s)').fill('3');
    await page.getByLabel('Seed').fill('42');
    await page.getByLabel('Aspect ratio').selectOption('1:1');
    await expect.poll(() => page.getByTestId('quote').textContent()).toContain('0.30 USD');
    await page.getByRole('button', { name: 'Copy as curl' }).click();
    const curl = await clipboardText(page);
    expect(curl).toContain(`${suite.server.url}/v1/videos/generations`);
    const body = JSON.parse(/-d '(.*)'$/s.exec(curl)![1]!.replace(/'\\''/g, "'"));
    expect(body).toEqual({ model: 'wan2.7', prompt: 'A red fox runs through snow', resolution: '720P', duration: 3, size: '1:1', seed: 42, prompt_extend: true, watermark: false });
    await screenshots(page, 'playground');
    await page.getByRole('button', { name: 'Generate' }).click();
    expect(await playResult(page)).toBeCloseTo(3, 1);
    const outcome = page.getByTestId('task-outcome');
    expect(await outcome.getAttribute('data-status')).toBe('completed');
    expect(await outcome.textContent()).toContain('cost 0.30 USD');
    expect(await page.getByRole('link', { name: 'Download MP4' }).getAttribute('href')).toMatch(/^\/v1\/tasks\/task_\w+\/content$/);
    // The task was created from exactly the body that was copied.
    const taskId = (await outcome.locator('code').first().textContent())!;
    const task = (await suite.server.api('GET', `/v1/tasks/${taskId}`, undefined, userKey)).json.data;
    expect(task).toMatchObject({ mode: 't2v', input: { prompt: body.prompt }, parameters: { resolution: '720P', duration: 3, size: '1:1', seed: 42 } });
    await screenshots(page, 'playground-result');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('runs first-frame from a local PNG uploaded through /v1/files', async () => {
    const { context, page } = await signedInPage(suite, userKey, ['playground', 'Playground']);
    await page.getByTestId('firstFrame-file').setInputFiles(fx.redPng);
    await expect.poll(() => page.getByText(/Uploaded red\.png/).count()).toBe(1);
    expect(await page.getByLabel('First frame: URL').inputValue()).toMatch(/\/v1\/files\/file_\w+\/content$/);
    await expect.poll(() => mode(page)).toBe('Mode: first frame');
    expect(await page.getByLabel('Aspect ratio').isDisabled()).toBe(true);
    await page.getByLabel('Resolution').selectOption('720P');
    await page.getByLabel('Duration (s)').fill('2');
    await page.getByRole('button', { name: 'Generate' }).click();
    expect(await playResult(page)).toBeCloseTo(2, 1);
    expect(await page.getByTestId('task-outcome').textContent()).toContain('i2v_first_frame');
    await context.close();
  });

  it('shows why a task failed', async () => {
    const { context, page } = await signedInPage(suite, userKey, ['playground', 'Playground']);
    await page.getByTestId('firstFrame-file').setInputFiles(fx.tinyPng);
    await expect.poll(() => mode(page)).toBe('Mode: first frame');
    await page.getByLabel('Resolution').selectOption('720P');
    await page.getByLabel('Duration (s)').fill('2');
    await page.getByRole('button', { name: 'Generate' }).click();
    const outcome = page.locator('[data-testid=task-outcome][data-status=failed]');
    await outcome.waitFor({ timeout: 60_000 });
    expect(await outcome.getByRole('alert').textContent()).toContain('100x100: each side must be 240..8000 px');
    await context.close();
  });
});
