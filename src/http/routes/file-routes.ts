import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app/deps.js';
import { AppError } from '../../domain/errors.js';
import { api } from '../openapi/api-catalogue.js';
import type { SignedFileParams, SignedFileQuery } from '../openapi/request-schemas.js';
import { deliverBlob } from '../send-blob.js';

// The expiry exactly as signed URLs write it: '1795910400.0', '01795910400' or '0x6b0b9d00' are not.
const canonicalSeconds = /^(0|[1-9][0-9]{0,11})$/;

/** Signed blob downloads: no API key, like the upstream's signed result URLs. Range, ETag and HEAD. */
export function registerFileRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'signer' | 'blobs' | 'delivery' | 'clock'>): void {
  app.get<{ Params: SignedFileParams; Querystring: SignedFileQuery }>(api.getSignedFile.url, async (request, reply) => {
    const blobKey = request.params['*'];
    const expires = request.query.expires ?? '';
    const sig = request.query.sig ?? '';
    const expiresSeconds = Number(expires);
    if (!canonicalSeconds.test(expires) || !deps.signer.verify(blobKey, expiresSeconds * 1000, sig, deps.clock.nowMs())) {
      throw new AppError('forbidden', 'This link is invalid or has expired', { reason: 'invalid_signature' });
    }
    const fileExpired = () => new AppError('not_found', 'This file is no longer kept', { reason: 'file_expired' });
    return deliverBlob(request, reply, deps, blobKey, {
      contentType: blobKey.endsWith('.mp4') ? 'video/mp4' : 'application/octet-stream',
      cacheControl: 'public, max-age=0',
      missing: fileExpired,
    });
  });
}
