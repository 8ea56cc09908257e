/**
 * The security suite, part four: what one key or one connection may trigger. A balance past what
 * integers hold exactly, unlimited webhook redeliveries, a client that trickles its request forever.
 * Reproductions of a hostile probe, kept as regression tests.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { maintenanceSteps } from '../../src/worker/maintenance-steps.js';
import { startClockedServer, type ClockedServer } from '../helpers/start-clocked-server.js';
import { createKey, startTestServer, submitTask, type TestServer } from '../helpers/start-test-server.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

describe('the most a key may own (item 2)', () => {
  let server: TestServer;
  beforeAll(async () => {
    // No workers: a submitted task keeps its hold while the test looks.
    server = await startTestServer({ WORKER_CONCURRENCY: '0' });
  });
  afterAll(() => server?.cleanup());

  it('refuses the credit that would pass 100 billion (10^15 minor units) with 400 naming amount; the ledger still adds up', async () => {
    const { id, key } = await createKey(server, { name: 'rich', balance: 0 });
    for (let i = 0; i < 100; i++) {
      const res = await server.api('POST', `/admin/keys/${id}/credit`, { amount: 1e9 });
      expect(res.status, `credit ${i}`).toBe(200);
    }
    expect((await server.api('GET', `/admin/keys/${id}`)).json.data.balance).toBe(1e11);
    const past = await server.api('POST', `/admin/keys/${id}/credit`, { amount: 0.0001 });
    expect(past.status).toBe(400);
    expect(past.json.error).toMatchObject({ param: 'amount', reason: 'balance_too_large' });

    // A hold moves money out of the balance but a release brings it back: it still counts.
    const taskId = await submitTask(server, { model: 'wan2.7', prompt: 'held', resolution: '720P', duration: 2 }, key);
    const refused = await server.api('POST', `/admin/keys/${id}/credit`, { amount: 0.0001 });
    expect(refused.json.error.reason).toBe('balance_too_large');
    expect((await server.api('POST', `/admin/keys/${id}/credit`, { amount: -1 })).status).toBe(200);
    await server.api('POST', `/v1/tasks/${taskId}/cancel`, undefined, key);

    const balance = (await server.api('GET', `/admin/keys/${id}`)).json.data.balance;
    expect(balance).toBe(1e11 - 1);
    const usage = (await server.api('GET', '/v1/usage', undefined, key)).json.data;
    expect(usage.totals.credited).toBe(balance);
  });
});

describe('webhook redelivery (item 5)', () => {
  let server: ClockedServer;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    // No maintenance loop: deliveries stay pending until the test sends them.
    [server, receiver] = await Promise.all([startClockedServer({ WORKER_CONCURRENCY: '0', WANGATE_ALLOW_LOOPBACK_WEBHOOKS: 'true' }), startWebhookReceiver()]);
  });
  afterAll(async () => {
    await Promise.all([server?.cleanup(), receiver?.close()]);
  });

  it('queues at most one pending redelivery per task: 30 calls answer with the same one', async () => {
    const { key } = await createKey(server, { name: 'redeliverer' });
    const taskId = await submitTask(server, { model: 'wan2.7', prompt: 'hooked', callback_url: receiver.url('/hook') }, key);
    await server.api('POST', `/v1/tasks/${taskId}/cancel`, undefined, key);
    const calls = await Promise.all(Array.from({ length: 30 }, () => server.api('POST', `/v1/tasks/${taskId}/webhooks/redeliver`, undefined, key)));
    expect(calls.map((c) => c.status)).toEqual(Array(30).fill(202));
    expect(new Set(calls.map((c) => c.json.data.id)).size).toBe(1);
    const listed = (await server.api('GET', `/v1/tasks/${taskId}/webhooks`, undefined, key)).json.data.deliveries;
    expect(listed).toHaveLength(2);

    // Once it has been sent, a new redelivery may be queued again.
    await maintenanceSteps(server.deps, 'wrk_test').webhooks!();
    expect(receiver.received).toHaveLength(2);
    const next = await server.api('POST', `/v1/tasks/${taskId}/webhooks/redeliver`, undefined, key);
    expect(next.status).toBe(202);
    expect(next.json.data.id).not.toBe(calls[0]!.json.data.id);
    expect((await server.api('GET', `/v1/tasks/${taskId}/webhooks`, undefined, key)).json.data.deliveries).toHaveLength(3);
  });
});

describe('slow clients (item 6)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ WORKER_CONCURRENCY: '0', HTTP_REQUEST_TIMEOUT_MS: '1500', HTTP_HEADERS_TIMEOUT_MS: '600' });
  });
  afterAll(() => server?.cleanup());

  /** Sends `head` at once, then one byte of `drip` every 100 ms until the server closes the connection. */
  function trickle(head: string, drip: string): Promise<{ answer: string; sentBytes: number; finished: boolean }> {
    const { port } = new URL(server.url);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1');
      let answer = '';
      let sent = 0;
      let timer: NodeJS.Timeout | undefined;
      socket.setEncoding('utf8');
      socket.on('data', (chunk) => (answer += chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ answer, sentBytes: sent, finished: sent === drip.length });
      });
      socket.on('connect', () => {
        socket.write(head);
        timer = setInterval(() => {
          if (sent < drip.length && !socket.destroyed) socket.write(drip[sent++]!);
        }, 100);
      });
    });
  }

  it('cuts a request whose body trickles in (one byte at a time) after HTTP_REQUEST_TIMEOUT_MS, with 408', async () => {
    const body = JSON.stringify({ model: 'wan2.7', prompt: 'x'.repeat(200) });
    const head = `POST /v1/videos/generations HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer wg_none\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const cut = await trickle(head, body);
    expect(cut.finished).toBe(false);
    expect(cut.answer).toMatch(/^HTTP\/1\.1 408/);
    const envelope = JSON.parse(cut.answer.slice(cut.answer.indexOf('\r\n\r\n') + 4));
    expect(envelope.error).toMatchObject({ code: 408, type: 'invalid_request_error', reason: 'request_timeout' });
  });

  it('cuts a request whose headers trickle in after HTTP_HEADERS_TIMEOUT_MS', async () => {
    const cut = await trickle('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n', `X-Slow: ${'s'.repeat(200)}\r\n\r\n`);
    expect(cut.finished).toBe(false);
    expect(cut.answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('refuses a configuration whose headers may take longer than the whole request', () => {
    expect(() => parseConfig({ HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '2000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS/);
  });

  it('does not count the time the server takes to answer: a Prefer: wait longer than the request timeout completes', async () => {
    const taskId = await submitTask(server, { model: 'wan2.7', prompt: 'waiting' });
    const res = await fetch(`${server.url}/v1/tasks/${taskId}`, { headers: { authorization: 'Bearer wg_test_admin_key_0123456789abcdef', prefer: 'wait=2' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('preference-applied')).toBe('wait=2');
  });
});
