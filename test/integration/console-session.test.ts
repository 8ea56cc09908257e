/**
 * Console sign-in over real HTTP: an API key in the body becomes an HttpOnly, SameSite=Strict,
 * signed, expiring cookie that authenticates like the key while the key lives; logout and revoking
 * end it at once; state-changing cookie requests must come from this server's own pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock, startClockedServer, type ClockedServer } from '../helpers/start-clocked-server.js';
import { createKey, testAdminKey } from '../helpers/start-test-server.js';

let server: ClockedServer;
let origin: string;

beforeAll(async () => {
  server = await startClockedServer({ WORKER_CONCURRENCY: '0', CONSOLE_SESSION_HOURS: '2' }, fakeClock());
  origin = server.url;
});
afterAll(async () => {
  await server?.cleanup();
});

async function login(key: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any; cookie: string | null; setCookie: string | null }> {
  const res = await fetch(`${server.url}/console/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin, ...headers },
    body: JSON.stringify({ key }),
  });
  const setCookie = res.headers.get('set-cookie');
  return { status: res.status, json: await res.json(), setCookie, cookie: setCookie ? setCookie.split(';')[0]! : null };
}

async function call(method: string, path: string, cookie: string, headers: Record<string, string> = {}, body?: unknown) {
  const res = await fetch(server.url + path, {
    method,
    headers: { cookie, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, headers: res.headers };
}

describe('console sign-in', () => {
  it('exchanges a key for an HttpOnly, SameSite=Strict, expiring cookie that never contains the key', async () => {
    const res = await login(testAdminKey);
    expect(res.status).toBe(200);
    expect(res.setCookie).toMatch(/^wangate_session=ses_[^;]+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Strict$/);
    expect(res.setCookie).not.toContain(testAdminKey);
    expect(res.setCookie).not.toMatch(/Secure/);
    expect(JSON.stringify(res.json)).not.toContain(testAdminKey);
    expect(res.json.data.key).toMatchObject({ scopes: ['admin'], prefix: testAdminKey.slice(0, 10) });
    const expiresAt = res.json.data.expires_at;
    expect(expiresAt * 1000).toBeGreaterThan(server.clock.nowMs() + 2 * 3600_000 - 5000);
    expect(expiresAt * 1000).toBeLessThanOrEqual(server.clock.nowMs() + 2 * 3600_000);
    const me = await call('GET', '/v1/me', res.cookie!);
    expect(me.status).toBe(200);
    expect(me.json.data.scopes).toEqual(['admin']);
  });

  it('marks the cookie Secure when the server is reached over HTTPS', async () => {
    const secure = await startClockedServer({ WORKER_CONCURRENCY: '0', PUBLIC_BASE_URL: 'https://gate.example.com' });
    try {
      const res = await fetch(`${secure.url}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: testAdminKey }) });
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toMatch(/; Secure/);
    } finally {
      await secure.cleanup();
    }
  });

  it('refuses a wrong, revoked or missing key with 401 and sets no cookie', async () => {
    const wrong = await login('wg_not_a_real_key_at_all_0000000');
    expect(wrong.status).toBe(401);
    expect(wrong.setCookie).toBeNull();
    expect(wrong.json.error).toMatchObject({ type: 'authentication_error', reason: 'invalid_api_key' });
    const empty = await login('');
    expect(empty.status).toBe(400);
    expect(empty.json.error).toMatchObject({ param: 'key' });
  });

  it('accepts the key only in the body: never from the URL', async () => {
    const res = await fetch(`${server.url}/console/session?key=${testAdminKey}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(400);
    expect(res.headers.get('set-cookie')).toBeNull();
    const me = await fetch(`${server.url}/v1/me?key=${testAdminKey}&api_key=${testAdminKey}`);
    expect(me.status).toBe(401);
  });

  it('keeps Bearer keys working unchanged, and the Authorization header wins over a cookie', async () => {
    const user = await createKey(server, { name: 'bearer-user' });
    const admin = await login(testAdminKey);
    const res = await fetch(`${server.url}/admin/keys`, { headers: { authorization: `Bearer ${user.key}`, cookie: admin.cookie! } });
    expect(res.status).toBe(403);
    expect((await server.api('GET', '/v1/me', undefined, user.key)).status).toBe(200);
  });
});

describe('a user session', () => {
  it('reaches its own routes and never the admin routes', async () => {
    const user = await createKey(server, { name: 'console-user', balance: 1 });
    const { cookie } = await login(user.key);
    expect((await call('GET', '/v1/me', cookie!)).json.data.name).toBe('console-user');
    for (const [method, path] of [
      ['GET', '/admin/keys'],
      ['GET', '/admin/usage'],
      ['GET', '/admin/server'],
      ['POST', '/admin/keys'],
    ] as const) {
      const res = await call(method, path, cookie!, { origin }, method === 'POST' ? { name: 'x' } : undefined);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.json.error.reason).toBe('insufficient_scope');
    }
  });
});

describe('CSRF protection of cookie requests', () => {
  it('refuses a state-changing request from another origin, or one that shows no origin', async () => {
    const { cookie } = await login(testAdminKey);
    const body = { name: 'csrf-victim' };
    const evil = await call('POST', '/admin/keys', cookie!, { origin: 'https://evil.example' }, body);
    expect(evil.status).toBe(403);
    expect(evil.json.error).toMatchObject({ param: 'Origin', reason: 'cross_site_request' });
    expect((await call('POST', '/admin/keys', cookie!, {}, body)).status).toBe(403);
    expect((await call('POST', '/admin/keys', cookie!, { 'sec-fetch-site': 'cross-site' }, body)).status).toBe(403);
    expect((await call('POST', '/admin/keys', cookie!, { origin: 'null' }, body)).status).toBe(403);
    const keys = (await server.api('GET', '/admin/keys')).json.data.map((k: { name: string }) => k.name);
    expect(keys).not.toContain('csrf-victim');
    // The same request from this server's own page goes through.
    expect((await call('POST', '/admin/keys', cookie!, { origin }, body)).status).toBe(200);
    expect((await call('POST', '/admin/keys', cookie!, { 'sec-fetch-site': 'same-origin' }, { name: 'fetch-site' })).status).toBe(200);
  });

  it('refuses a sign-in posted from another site', async () => {
    const res = await login(testAdminKey, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.setCookie).toBeNull();
  });
});

describe('ending a session', () => {
  it('logout clears the cookie and the old cookie stops working at once', async () => {
    const { cookie } = await login(testAdminKey);
    const out = await call('DELETE', '/console/session', cookie!, { origin });
    expect(out.status).toBe(200);
    expect(out.json.data).toEqual({ ended: true });
    expect(out.headers.get('set-cookie')).toMatch(/^wangate_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Strict/);
    const after = await call('GET', '/v1/me', cookie!);
    expect(after.status).toBe(401);
    expect(after.json.error.reason).toBe('invalid_session');
    expect((await call('DELETE', '/console/session', cookie!, { origin })).json.data).toEqual({ ended: false });
  });

  it("revoking the key ends its sessions on the next request", async () => {
    const user = await createKey(server, { name: 'to-revoke' });
    const { cookie } = await login(user.key);
    expect((await call('GET', '/v1/me', cookie!)).status).toBe(200);
    expect((await server.api('POST', `/admin/keys/${user.id}/revoke`)).status).toBe(200);
    const res = await call('GET', '/v1/me', cookie!);
    expect(res.status).toBe(401);
    expect(res.json.error.reason).toBe('invalid_session');
  });

  it('a session expires after its lifetime, and never outlives its key', async () => {
    const soon = Math.floor(server.clock.nowMs() / 1000) + 600;
    const user = await createKey(server, { name: 'short-lived', expires_at: soon });
    const short = await login(user.key);
    expect(short.json.data.expires_at).toBe(soon);
    const long = await login(testAdminKey);
    server.clock.advance(601_000);
    expect((await call('GET', '/v1/me', short.cookie!)).status).toBe(401);
    expect((await call('GET', '/v1/me', long.cookie!)).status).toBe(200);
    server.clock.advance(2 * 3600_000);
    expect((await call('GET', '/v1/me', long.cookie!)).status).toBe(401);
  });

  it('refuses a cookie whose id, expiry or signature was changed', async () => {
    const { cookie } = await login(testAdminKey);
    const [name, token] = cookie!.split('=') as [string, string];
    const [id, expires, signature] = token.split('.') as [string, string, string];
    const forged = [
      `${id}.${Number(expires) + 86_400}.${signature}`,
      `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}.${expires}.${signature}`,
      `${id}.${expires}.${signature.slice(0, -2)}xx`,
      `${id}.${expires}`,
      'garbage',
    ];
    for (const value of forged) {
      const res = await call('GET', '/v1/me', `${name}=${value}`);
      expect(res.status, value).toBe(401);
      expect(res.json.error.reason).toBe('invalid_session');
    }
  });
});
