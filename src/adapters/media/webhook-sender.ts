import { AppError } from '../../domain/errors.js';
import type { WebhookPostOutcome, WebhookSender } from '../../domain/ports.js';
import { safeRequest } from './safe-request.js';

export interface WebhookSenderOptions {
  /** Tests and closed networks only: every other blocked range stays refused. */
  allowLoopback: boolean;
  /** DNS, connect, TLS and the response headers. */
  timeoutMs: number;
}

/**
 * Webhook POSTs through the SSRF-guarded client: the address is judged at every attempt (DNS can
 * change), redirects are not followed (Standard Webhooks counts them as failures) and the response
 * body is never read.
 */
export function createWebhookSender(opts: WebhookSenderOptions): WebhookSender {
  return {
    async post(url, headers, body): Promise<WebhookPostOutcome> {
      try {
        const res = await safeRequest(url, { method: 'POST', headers, body, timeoutMs: opts.timeoutMs, maxRedirects: 0, allowLoopback: opts.allowLoopback });
        res.body.destroy();
        const retryAfter = res.headers['retry-after'];
        return { kind: 'answered', status: res.status, retryAfter: (Array.isArray(retryAfter) ? retryAfter[0] : retryAfter) ?? null };
      } catch (err) {
        if (err instanceof AppError && err.reason === 'url_not_allowed') return { kind: 'refused', message: err.message };
        return { kind: 'failed', message: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}
