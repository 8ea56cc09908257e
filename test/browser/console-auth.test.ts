/**
 * Signing in and out of the web console in a real browser: admin and user keys, a wrong key, the
 * key never kept by the page, a user refused on the admin pages and admin API, logout, revocation.
 */
import { describe, expect, it } from 'vitest';
import { newContext, openPage, screenshots, signedInPage, signIn, useConsoleSuite, watchPageErrors } from '../helpers/console-browser.js';
import { createKey, testAdminKey } from '../helpers/start-test-server.js';

const suite = useConsoleSuite({ WORKER_CONCURRENCY: '0' });

describe('console sign-in in a browser', () => {
  it('refuses a wrong key with the server\'s message and stays on the sign-in page', async () => {
    const context = await newContext(suite.browser, suite.server);
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await page.goto('/console/');
    await page.getByLabel('API key').fill('wg_wrong_key_000000000000000000000');
    await screenshots(page, 'login');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Invalid, revoked or expired API key');
    expect(await context.cookies()).toEqual([]);
    expect(page.url()).not.toContain('wg_');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('signs an admin in: the cookie is HttpOnly and Strict, and the page keeps no copy of the key', async () => {
    const context = await newContext(suite.browser, suite.server);
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    await signIn(page, testAdminKey);
    await expect.poll(() => page.getByRole('navigation').textContent()).toContain('Admin');
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'wangate_session', httpOnly: true, sameSite: 'Strict' });
    expect(cookie!.value).not.toContain(testAdminKey);
    const kept = await page.evaluate(() => ({
      cookie: document.cookie,
      local: JSON.stringify(localStorage),
      session: JSON.stringify(sessionStorage),
      url: location.href,
      html: document.documentElement.outerHTML,
    }));
    expect(kept.cookie).toBe('');
    for (const text of Object.values(kept)) expect(text).not.toContain(testAdminKey);
    // A reload stays signed in: the cookie alone carries the session.
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('signs a user in, without the admin page, and the admin API refuses the session', async () => {
    const user = await createKey(suite.server, { name: 'browser-user', balance: 3 });
    const { context, page } = await signedInPage(suite, user.key);
    expect(await page.getByRole('navigation').textContent()).not.toContain('Admin');
    await expect.poll(() => page.getByTestId('balance').textContent()).toBe('3.00 USD');
    await openPage(page, 'admin', 'Admin');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('admin scope');
    const statuses = await page.evaluate(async () => {
      const get = (await fetch('/admin/keys')).status;
      const post = (await fetch('/admin/keys', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"sneaky"}' })).status;
      const usage = (await fetch('/admin/usage')).status;
      return { get, post, usage };
    });
    expect(statuses).toEqual({ get: 403, post: 403, usage: 403 });
    await context.close();
  });

  it('logout ends the session: the old cookie no longer works anywhere', async () => {
    const { context, page } = await signedInPage(suite, testAdminKey);
    const [cookie] = await context.cookies();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('Signed out');
    expect(await context.cookies()).toEqual([]);
    const replay = await fetch(`${suite.server.url}/v1/me`, { headers: { cookie: `${cookie!.name}=${cookie!.value}` } });
    expect(replay.status).toBe(401);
    await context.close();
  });

  it("revoking a key sends its open console back to sign-in, saying why", async () => {
    const user = await createKey(suite.server, { name: 'revoked-in-browser' });
    const { context, page } = await signedInPage(suite, user.key);
    expect((await suite.server.api('POST', `/admin/keys/${user.id}/revoke`)).status).toBe(200);
    await page.goto('/console/#/tasks');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('status').textContent()).toContain('session has ended');
    await context.close();
  });
});
