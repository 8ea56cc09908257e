import { WebhookVerificationError } from './errors.js';
import type { WebhookEvent } from './types.js';

export interface VerifyWebhookOptions {
  /** Seconds a delivery's timestamp may differ from now (replays are refused). Default 300. */
  toleranceSeconds?: number;
  /** The current time in milliseconds (tests). */
  nowMs?: number;
}

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const found = Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(found) ? found[0] : found;
}

function base64Bytes(text: string): Uint8Array {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * Verifies a webhook delivery signed like Standard Webhooks (https://www.standardwebhooks.com) and
 * returns its parsed event. `rawBody` must be the body exactly as received (not re-serialised JSON);
 * `secret` is the key's `webhook_secret` (`whsec_…`, from GET /v1/me). The HMAC is compared by
 * WebCrypto's verify (constant time); a timestamp outside the tolerance is refused. Works in Node and
 * browsers (and edge runtimes); throws WebhookVerificationError.
 */
export async function verifyWebhook(rawBody: string | Uint8Array, headers: HeaderSource, secret: string, opts: VerifyWebhookOptions = {}): Promise<WebhookEvent> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('Missing webhook-id, webhook-timestamp or webhook-signature header');
  const seconds = Number(timestamp);
  const nowSeconds = (opts.nowMs ?? Date.now()) / 1000;
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - seconds) > (opts.toleranceSeconds ?? 300)) {
    throw new WebhookVerificationError('The webhook timestamp is too old or too new');
  }
  let keyBytes: Uint8Array;
  try {
    keyBytes = base64Bytes(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
  } catch {
    throw new WebhookVerificationError('The webhook secret is not base64 (expected whsec_…)');
  }
  const key = await crypto.subtle.importKey('raw', keyBytes as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const body = typeof rawBody === 'string' ? new TextEncoder().encode(rawBody) : rawBody;
  const prefix = new TextEncoder().encode(`${id}.${timestamp}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);
  for (const candidate of signatures.split(' ')) {
    const [version, value] = candidate.split(',');
    if (version !== 'v1' || !value) continue;
    let signature: Uint8Array;
    try {
      signature = base64Bytes(value);
    } catch {
      continue;
    }
    if (await crypto.subtle.verify('HMAC', key, signature as BufferSource, signed as BufferSource)) {
      return JSON.parse(new TextDecoder().decode(body)) as WebhookEvent;
    }
  }
  throw new WebhookVerificationError('No webhook signature matches');
}
