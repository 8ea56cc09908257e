import { z } from 'zod';

/**
 * Where a webhook may be posted (a task's callback_url, a key's webhook_url): an http(s) URL without
 * credentials. The address itself is judged by the SSRF guard at every delivery, since DNS can change.
 */
export const webhookUrlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2048)
  .refine((value) => {
    const url = new URL(value);
    return url.username === '' && url.password === '';
  }, 'must not carry credentials (user:password@)');
