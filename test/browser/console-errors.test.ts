/**
 * What a person sees when things go wrong, and how the console is reached without a mouse: clear
 * messages for 402 (balance), 429 (rate limit) and a lost network; keyboard-only use; the system's
 * dark or light preference.
 */
import { describe, expect, it } from 'vitest';
import { newContext, openPage, screenshots, signedInPage, useConsoleSuite } from '../helpers/console-browser.js';
import { createKey, testAdminKey } from '../helpers/start-test-server.js';

const suite = useConsoleSuite({ WORKER_CONCURRENCY: '0' });

describe('error messages', () => {
  it('says payment is required when the balance is below the quote', async () => {
    const poor = await createKey(suite.server, { name: 'poor', balance: 0.1 });
    const { context, page } = await signedInPage(suite, poor.key, ['playground', 'Playground']);
    await page.getByLabel('Prompt', { exact: true }).fill('too expensive');
    await page.getByLabel('Resolution').selectOption('720P');
    await page.getByLabel('Duration (s)').fill('2');
    await page.getByRole('button', { name: 'Generate' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toMatch(/^Payment required: .+credit this key\.$/);
    await context.close();
  });

  it('says when the rate limit is reached and when to try again', async () => {
    const limited = await createKey(suite.server, { name: 'limited', limits: { requests_per_minute: 3 } });
    const { context, page } = await signedInPage(suite, limited.key, ['tasks', 'Tasks']);
    const alert = page.getByRole('alert');
    for (let i = 0; i < 5 && !(await alert.isVisible()); i++) await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => alert.textContent()).toMatch(/^Too many requests: Rate limit of 3 requests per minute exceeded\. Try again in \d+ s\.$/);
    await context.close();
  });

  it('says when the server cannot be reached, and clears it when the network is back', async () => {
    const { context, page } = await signedInPage(suite, testAdminKey, ['tasks', 'Tasks']);
    await context.setOffline(true);
    await page.getByRole('button', { name: 'Refresh' }).click();
    const unreachable = page.getByRole('alert').filter({ hasText: 'The server cannot be reached' });
    // The page-wide banner, and the failed refresh's own message.
    await expect.poll(() => unreachable.count()).toBe(2);
    await context.setOffline(false);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => unreachable.count()).toBe(0);
    await context.close();
  });
});

describe('reaching the console', () => {
  it('works from the keyboard alone: sign in, then move between pages', async () => {
    const context = await newContext(suite.browser, suite.server);
    const page = await context.newPage();
    await page.goto('/console/');
    await page.getByLabel('API key').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('key');
    await page.keyboard.type(testAdminKey);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'Tasks'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Tasks' }).waitFor();
    // Focus is visible: the focused element draws an outline.
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');
    await context.close();
  });

  it('follows the system colour scheme', async () => {
    const { context, page } = await signedInPage(suite, testAdminKey, ['keys', 'Keys']);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await background()).toBe('rgb(246, 247, 249)');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).toBe('rgb(16, 19, 23)');
    await screenshots(page, 'keys-dark');
    await openPage(page, 'usage', 'Usage');
    await screenshots(page, 'usage-dark');
    await context.close();
  });
});
