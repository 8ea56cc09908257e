import send from '@fastify/send';
import type { FastifyReply, FastifyRequest } from 'fastify';
import path from 'node:path';
import { clipEcho } from '../domain/clip-echo.js';
import { AppError } from '../domain/errors.js';

type SendResult = Awaited<ReturnType<typeof send>>;

/**
 * What to throw for a send that did not produce the file (a Range outside it, a failed If-Match /
 * If-Unmodified-Since, a file gone): the spec's error envelope, never send's HTML page.
 */
export function sendFailure(request: FastifyRequest, reply: FastifyReply, result: SendResult, missing: () => AppError): Error {
  result.stream.destroy();
  switch (result.statusCode) {
    case 416:
      if (result.headers['Content-Range']) reply.header('content-range', result.headers['Content-Range']);
      return new AppError('range_not_satisfiable', `Range '${clipEcho(request.headers.range ?? '')}' lies outside the file`, {
        param: 'Range',
        reason: 'range_not_satisfiable',
      });
    case 412:
      return new AppError('precondition_failed', 'The file does not match If-Match / If-Unmodified-Since', { reason: 'precondition_failed' });
    case 404:
      return missing();
    default:
      return new Error(`sending a file failed with ${result.statusCode}`);
  }
}

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
  if (result.type !== 'file') throw sendFailure(request, reply, result, opts.missing);
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
