import send from '@fastify/send';
import type { FastifyReply, FastifyRequest } from 'fastify';
import path from 'node:path';
import { AppError } from '../domain/errors.js';

export interface SendBlobOptions {
  contentType: string;
  /** What to answer when the file vanished between the lookup and the read (retention raced us). */
  missing: () => AppError;
  /** Suggested download name. */
  filename?: string;
}

/**
 * Streams a stored file to an authenticated caller with HTTP Range (206, 416), ETag and
 * Last-Modified (304 on If-None-Match / If-Modified-Since). Errors use the spec's envelope.
 */
export async function sendBlob(request: FastifyRequest, reply: FastifyReply, fullPath: string, opts: SendBlobOptions): Promise<FastifyReply> {
  const result = await send(request.raw, encodeURI(path.basename(fullPath)), {
    root: path.dirname(fullPath),
    etag: true,
    lastModified: true,
    acceptRanges: true,
    cacheControl: false,
    contentType: false,
  });
  if (result.type !== 'file') {
    result.stream.destroy();
    switch (result.statusCode) {
      case 416:
        reply.header('content-range', result.headers['Content-Range']);
        throw new AppError('range_not_satisfiable', `Range '${request.headers.range ?? ''}' lies outside the file`, {
          param: 'Range',
          reason: 'range_not_satisfiable',
        });
      case 412:
        throw new AppError('precondition_failed', 'The file does not match If-Match / If-Unmodified-Since', { reason: 'precondition_failed' });
      case 404:
        throw opts.missing();
      default:
        throw new Error(`sending ${fullPath} failed with ${result.statusCode}`);
    }
  }
  reply.code(result.statusCode).headers(result.headers as Record<string, string>);
  // Owner-only content: browsers may keep it but must revalidate (ETag -> 304); shared caches may not.
  reply.header('cache-control', 'private, no-cache');
  reply.header('x-content-type-options', 'nosniff');
  if (result.statusCode !== 304) {
    reply.header('content-type', opts.contentType);
    if (opts.filename) reply.header('content-disposition', `inline; filename="${opts.filename}"`);
  }
  return reply.send(result.stream);
}
