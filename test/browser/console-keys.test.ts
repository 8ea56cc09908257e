/**
 * The Keys page (the seed's "API Key Management Page") in a browser: the signed-in key with its
 * webhook secret and snippets; an admin creates a key whose secret is shown and copied exactly once,
 * then edits, credits and revokes it.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { clipboardText, newContext, screenshots, signedInPage, signIn, useConsoleSuite, watchPageErrors } from '../helpers/console-browser.js';
import { testAdminKey } from '../helpers/start-test-server.js';

const suite = useConsoleSuite({ WORKER_CONCURRENCY: '0' });

const keyRow = (page: Page, name: string) => page.locator('tr', { has: page.getByRole('cell', { name, exact: true }) });

async function keyByName(name: string) {
  return (await suite.server.api('GET', '/admin/keys')).json.data.find((k: { name: string }) => k.name === name);
}

describe('the Keys page', () => {
  it('creates a user key whose secret is shown and copied once, and which then signs in', async () => {
    const context = await newContext(suite.browser, suite.server);
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await signIn(page, testAdminKey);
    const form = page.getByRole('form', { name: 'Create a key' });
    await form.getByLabel('Name').fill('mobile-app');
    await form.getByLabel('Starting balance').fill('12.5');
    await form.getByLabel('Requests / minute').fill('120');
    await form.getByRole('button', { name: 'Create key' }).click();
    const secretBox = page.getByTestId('new-secret');
    await secretBox.waitFor();
    const secret = (await page.getByTestId('new-secret-value').textContent())!;
    expect(secret).toMatch(/^wg_/);
    await secretBox.getByRole('button', { name: 'Copy new key secret' }).click();
    await expect.poll(() => clipboardText(page)).toBe(secret);
    await screenshots(page, 'keys-new-secret');
    await secretBox.getByRole('button', { name: 'I have saved it' }).click();
    await expect.poll(() => page.content()).not.toContain(secret);
    await keyRow(page, 'mobile-app').waitFor();
    expect(await keyRow(page, 'mobile-app').textContent()).toContain('12.50 USD');
    expect(await keyByName('mobile-app')).toMatchObject({ balance: 12.5, limits: { requests_per_minute: 120 } });
    expect(errors).toEqual([]);

    // The copied secret is a working key: it signs in and sees its own settings.
    const { context: userContext, page: userPage } = await signedInPage(suite, secret);
    const own = userPage.getByTestId('own-key');
    await expect.poll(() => own.textContent()).toContain('mobile-app');
    expect(await own.textContent()).toContain('requests per minute: 120');
    await userPage.getByRole('button', { name: 'Reveal webhook secret' }).click();
    const me = (await suite.server.api('GET', '/v1/me', undefined, secret)).json.data;
    expect(await userPage.getByTestId('secret-webhook secret').textContent()).toBe(me.webhook_secret);
    await userPage.getByRole('button', { name: 'Copy curl snippet' }).click();
    const snippet = await clipboardText(userPage);
    expect(snippet).toContain(`${suite.server.url}/v1/videos/generations`);
    expect(snippet).not.toContain(secret);
    await screenshots(userPage, 'keys-user');
    await userContext.close();
    await context.close();
  });

  it('edits limits, expiry and webhook URL, credits, and revokes a key', async () => {
    await suite.server.api('POST', '/admin/keys', { name: 'to-manage', balance: 1 });
    const { context, page } = await signedInPage(suite, testAdminKey);
    const row = keyRow(page, 'to-manage');
    await page.getByRole('button', { name: 'Edit to-manage', exact: true }).click();
    const edit = page.getByRole('form', { name: 'Edit to-manage', exact: true });
    await edit.getByLabel('Running at once').fill('3');
    await edit.getByLabel('Webhook URL').fill('https://hooks.example.com/wangate');
    await edit.getByLabel('Expires').fill('2099-01-02T03:04');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    expect(await keyByName('to-manage')).toMatchObject({
      limits: { max_running: 3, requests_per_minute: null },
      webhook_url: 'https://hooks.example.com/wangate',
      expires_at: Math.floor(new Date(2099, 0, 2, 3, 4).getTime() / 1000),
    });

    await page.getByRole('button', { name: 'Credit to-manage', exact: true }).click();
    const credit = page.getByRole('form', { name: 'Credit to-manage', exact: true });
    await credit.getByLabel('Amount (USD)').fill('2.25');
    await credit.getByRole('button', { name: 'Credit', exact: true }).click();
    await expect.poll(() => row.textContent()).toContain('3.25 USD');

    // A refused change shows the server's own message, naming the field.
    await page.getByRole('button', { name: 'Credit to-manage', exact: true }).click();
    await credit.getByLabel('Amount (USD)').fill('0.00001');
    await credit.getByRole('button', { name: 'Credit', exact: true }).click();
    await expect.poll(() => credit.getByRole('alert').textContent()).toContain('amount');

    await screenshots(page, 'keys-admin');
    await page.getByRole('button', { name: 'Revoke to-manage', exact: true }).click();
    await page.getByRole('button', { name: 'Confirm revoke' }).click();
    await expect.poll(() => row.textContent()).toContain('revoked');
    expect((await keyByName('to-manage')).revoked).toBe(true);
    await context.close();
  });
});
