import { createHmac, timingSafeEqual } from 'node:crypto';
import type { UrlSigner } from '../../domain/ports.js';

/** Signed blob URLs, like the upstream's: anyone holding the URL may read until it expires. */
export function createHmacUrlSigner(secret: string, baseUrl: () => string): UrlSigner {
  const sign = (blobKey: string, expiresAtSeconds: number) =>
    createHmac('sha256', secret).update(`${blobKey}\n${expiresAtSeconds}`).digest('base64url');
  return {
    signedUrl(blobKey, expiresAtMs) {
      const expires = Math.floor(expiresAtMs / 1000);
      const encoded = blobKey.split('/').map(encodeURIComponent).join('/');
      return `${baseUrl()}/files/${encoded}?expires=${expires}&sig=${sign(blobKey, expires)}`;
    },
    verify(blobKey, expiresAtMs, signature, nowMs) {
      const expires = Math.floor(expiresAtMs / 1000);
      if (expires * 1000 < nowMs) return false;
      const expected = Buffer.from(sign(blobKey, expires));
      const given = Buffer.from(signature);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}
