import { createHmac, timingSafeEqual } from 'node:crypto';
import type { TokenSigner } from '../../domain/ports.js';

/**
 * HMAC-SHA256 signatures under a key derived from the server's signing secret and a purpose, so a
 * signature made for one purpose (a session cookie) is never valid for another (a file URL).
 */
export function createHmacTokenSigner(secret: string, purpose: string): TokenSigner {
  const key = createHmac('sha256', secret).update(`wangate ${purpose}`).digest();
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url');
  return {
    sign,
    verify(payload, signature) {
      const expected = Buffer.from(sign(payload));
      const given = Buffer.from(signature);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}
