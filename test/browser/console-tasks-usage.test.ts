/**
 * The Tasks, Usage and Admin pages in a browser: paging and filters, cancel, run again, raw JSON,
 * webhook deliveries with redeliver, a hostile prompt shown as text, the ledger with its CSV export,
 * and the admin's view of every key. No workers run: tasks stay pending until cancelled.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { newContext, openPage, screenshots, signedInPage, signIn, useConsoleSuite, watchPageErrors } from '../helpers/console-browser.js';
import { createKey, submitTask, testAdminKey } from '../helpers/start-test-server.js';

const suite = useConsoleSuite({ WORKER_CONCURRENCY: '0' });
let user: { id: string; key: string };
const xss = '<img src=x onerror=alert(1)>';

beforeAll(async () => {
  user = await createKey(suite.server, { name: 'tasks-user', balance: 5 });
  for (let i = 0; i < 21; i++) await submitTask(suite.server, { model: 'wan2.7', prompt: `filler ${i}`, resolution: '720P', duration: 2 }, user.key);
  await submitTask(suite.server, { model: 'wan2.7', prompt: xss, resolution: '720P', duration: 2, callback_url: 'https://hooks.example.invalid/wangate' }, user.key);
}, 120_000);

const row = (page: Page, prompt: string) => page.locator('tr', { has: page.getByRole('cell', { name: prompt, exact: true }) });

async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: download.suggestedFilename(), text: await readFile((await download.path())!, 'utf8') };
}

describe('the Tasks page', () => {
  it('pages newest first, shows a hostile prompt as text, cancels, and shows raw JSON and webhook deliveries', async () => {
    const context = await newContext(suite.browser, suite.server);
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await signIn(page, user.key);
    await openPage(page, 'tasks', 'Tasks');
    const rows = page.locator('tbody tr[data-task-id]');
    await expect.poll(() => rows.count()).toBe(20);
    // Newest first: the hostile prompt was submitted last.
    expect(await rows.first().locator('.prompt-cell').textContent()).toBe(xss);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    await page.getByRole('button', { name: 'Older' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.allTextContents()).toEqual([expect.stringContaining('filler 1'), expect.stringContaining('filler 0')]);
    await page.getByRole('button', { name: 'Newer' }).click();
    await expect.poll(() => rows.count()).toBe(20);

    const hostile = row(page, xss);
    await hostile.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => hostile.locator('.status').textContent()).toBe('cancelled');
    await hostile.getByRole('button', { name: 'Details' }).click();
    const details = page.locator('.task-details');
    expect(await details.locator('.prompt-full').textContent()).toBe(`Prompt: ${xss}`);
    await details.getByText('Raw JSON').click();
    const raw = JSON.parse((await details.getByTestId('raw-json').textContent())!);
    expect(raw).toMatchObject({ status: 'cancelled', input: { prompt: xss }, cost: 0 });
    await expect.poll(() => details.locator('tbody tr').count()).toBe(1);
    expect(await details.locator('tbody tr').first().textContent()).toContain('task.cancelled');
    await details.getByRole('button', { name: 'Redeliver the webhook' }).click();
    await expect.poll(() => details.locator('tbody tr').count()).toBe(2);
    await screenshots(page, 'tasks');
    expect(dialogs).toBe(0);
    expect(errors).toEqual([]);

    await page.getByLabel('Status').selectOption('cancelled');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => rows.count()).toBe(1);

    // Run again (its details stay open through the filter): the playground opens with the task's request.
    await page.getByRole('button', { name: 'Run again' }).click();
    await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor();
    expect(await page.getByLabel('Prompt', { exact: true }).inputValue()).toBe(xss);
    expect(await page.getByLabel('Duration (s)').inputValue()).toBe('2');
    expect(await page.getByLabel('Resolution').inputValue()).toBe('720P');
    await context.close();
  });
});

describe('the Usage and Admin pages', () => {
  it('shows the ledger with its running balance and exports exactly what is shown as CSV', async () => {
    const { context, page } = await signedInPage(suite, user.key, ['usage', 'Usage']);
    const entries = (await suite.server.api('GET', '/v1/usage?limit=500', undefined, user.key)).json.data.entries;
    // A credit, 22 holds, and the cancelled task's capture (0) and release.
    expect(entries).toHaveLength(25);
    const ledger = page.getByRole('region', { name: 'Ledger' });
    await expect.poll(() => ledger.locator('tbody tr').count()).toBe(entries.length);
    await page.locator('.chart canvas').waitFor();
    expect(await page.getByTestId('totals').textContent()).toContain('5.00 USD');
    await screenshots(page, 'usage');
    const csv = await downloaded(page, () => page.getByRole('button', { name: 'Export CSV' }).click());
    expect(csv.name).toBe('wangate-usage.csv');
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('created,key_id,kind,amount,balance_after,task_id,note');
    expect(lines).toHaveLength(entries.length + 1);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^\\d{4}-.*Z,${user.id},release,0.20,0.80,task_\\w+,`)));
    expect(lines.at(-1)).toMatch(new RegExp(`,${user.id},credit,5.00,5.00,,initial balance$`));
    await context.close();
  });

  it('gives admins every key with balance and spend, usage across keys with CSV, and the server summary', async () => {
    const { context, page } = await signedInPage(suite, testAdminKey, ['admin', 'Admin']);
    const keys = page.getByRole('region', { name: 'Keys: balances and spend' });
    await expect.poll(() => keys.locator('tr', { hasText: 'tasks-user' }).textContent()).toContain('0.80 USD');
    await expect.poll(() => page.getByTestId('server-info').textContent()).toContain('local');
    const usage = page.getByRole('region', { name: 'Usage across keys' });
    await expect.poll(() => usage.locator('tbody tr', { hasText: 'tasks-user' }).count()).toBe(25);
    await page.locator('.chart canvas').waitFor();
    await screenshots(page, 'admin');
    const csv = await downloaded(page, () => page.getByRole('button', { name: 'Export CSV' }).click());
    expect(csv.name).toBe('wangate-usage-all-keys.csv');
    expect(csv.text.split('\r\n').filter((l) => l.includes(user.id))).toHaveLength(25);
    await context.close();
  });
});
