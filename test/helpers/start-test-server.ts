import { expect } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../src/config.js';
import { startServer, type RunningServer, type StartOptions } from '../../src/main.js';

export const testAdminKey = 'wg_test_admin_key_0123456789abcdef';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Calls the API with the admin key unless another key is given. */
  api(method: string, urlPath: string, body?: unknown, key?: string | null): Promise<{ status: number; json: any; headers: Headers }>;
  cleanup(): Promise<void>;
}

/** A real server on 127.0.0.1 with a fresh data dir; loopback media is allowed explicitly, as tests must. */
export async function startTestServer(env: Record<string, string> = {}, opts: StartOptions = {}): Promise<TestServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-test-'));
  const config = parseConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dir,
    WANGATE_ADMIN_KEY: testAdminKey,
    WANGATE_ALLOW_LOOPBACK_MEDIA: 'true',
    WORKER_IDLE_POLL_MS: '100',
    LOG_LEVEL: 'warn',
    ...env,
  });
  const server = await startServer(config, opts);
  return {
    ...server,
    dataDir: dir,
    async api(method, urlPath, body, key = testAdminKey) {
      const headers: Record<string, string> = {};
      if (key !== null) headers.authorization = `Bearer ${key}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(server.url + urlPath, {
        method,
        headers,
        ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await res.text();
      let json: unknown = text;
      try {
        json = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, json, headers: res.headers };
    },
    async cleanup() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a key through the admin API (asserting 200): its id, its secret and its webhook secret. */
export async function createKey(s: TestServer, body: object): Promise<{ id: string; key: string; secret: string }> {
  const res = await s.api('POST', '/admin/keys', body);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return { id: res.json.data.id, key: res.json.data.key, secret: res.json.data.webhook_secret };
}

/** Submits a create (asserting 200) and returns the task id. */
export async function submitTask(s: TestServer, body: object, key?: string): Promise<string> {
  const res = await s.api('POST', '/v1/videos/generations', body, key);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json.data[0].task_id;
}

/**
 * Polls a task until it is terminal (the test's time limit bounds the wait). A test waiting on hundreds
 * of tasks at once polls less often: its polls share the CPU with the server under test.
 */
export async function waitForTask(server: TestServer, taskId: string, key?: string, everyMs = 100): Promise<any> {
  for (;;) {
    const { json } = await server.api('GET', `/v1/tasks/${taskId}`, undefined, key);
    const status = json?.data?.status;
    if (status === 'completed' || status === 'failed' || status === 'cancelled') return json.data;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
