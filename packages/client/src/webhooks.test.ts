import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WebhookVerificationError } from './errors.js';
import { verifyWebhook } from './webhooks.js';

const key = randomBytes(24);
const secret = `whsec_${key.toString('base64')}`;
const body = JSON.stringify({ type: 'task.completed', timestamp: '2026-01-01T00:00:00.000Z', data: { id: 'task_1', status: 'completed' } });
const nowMs = 1_767_225_600_000;

/** Signs as the Standard Webhooks spec says, independently of the server's signer. */
function sign(id: string, timestamp: number, payload: string, k = key): string {
  return `v1,${createHmac('sha256', k).update(`${id}.${timestamp}.${payload}`).digest('base64')}`;
}

const headersFor = (timestamp = nowMs / 1000, signature = sign('msg_1', nowMs / 1000, body)) => ({
  'webhook-id': 'msg_1',
  'webhook-timestamp': String(timestamp),
  'webhook-signature': signature,
});

describe('verifyWebhook', () => {
  it('returns the event for a valid signature (string or bytes, plain object or Headers)', async () => {
    expect(await verifyWebhook(body, headersFor(), secret, { nowMs })).toMatchObject({ type: 'task.completed', data: { id: 'task_1' } });
    expect(await verifyWebhook(new TextEncoder().encode(body), new Headers(headersFor()), secret, { nowMs })).toMatchObject({ type: 'task.completed' });
  });

  it('accepts any one matching signature of several (key rotation)', async () => {
    const other = sign('msg_1', nowMs / 1000, body, randomBytes(24));
    expect(await verifyWebhook(body, headersFor(undefined, `${other} ${sign('msg_1', nowMs / 1000, body)}`), secret, { nowMs })).toBeTruthy();
  });

  it('refuses a changed body, another secret, a stale or future timestamp and missing headers', async () => {
    const refused = (p: Promise<unknown>) => expect(p).rejects.toBeInstanceOf(WebhookVerificationError);
    await refused(verifyWebhook(body.replace('completed', 'failed'), headersFor(), secret, { nowMs }));
    await refused(verifyWebhook(body, headersFor(), `whsec_${randomBytes(24).toString('base64')}`, { nowMs }));
    await refused(verifyWebhook(body, headersFor(nowMs / 1000 - 301, sign('msg_1', nowMs / 1000 - 301, body)), secret, { nowMs }));
    await refused(verifyWebhook(body, headersFor(nowMs / 1000 + 301, sign('msg_1', nowMs / 1000 + 301, body)), secret, { nowMs }));
    await refused(verifyWebhook(body, { 'webhook-id': 'msg_1' }, secret, { nowMs }));
    await refused(verifyWebhook(body, headersFor(undefined, 'v2,abc'), secret, { nowMs }));
  });
});
