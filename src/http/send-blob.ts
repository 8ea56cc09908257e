import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app/deps.js';
import fresh from 'fresh';
import parseRange from 'range-parser';
import { Readable } from 'node:stream';
import { clipEcho } from '../domain/clip-echo.js';
import { AppError } from '../domain/errors.js';
import type { BlobStat, BlobStore, ByteRange } from '../domain/ports.js';

export interface SendBlobOptions {
  contentType: string;
  /** What to answer when there is no such object (retention deleted it, or raced us). */
  missing: () => AppError;
  /** Suggested download name. */
  filename?: string;
  /** Cache-Control of the answer. */
  cacheControl: string;
}

const tokens = (header: string | string[]) => [header].flat().join(',').split(',').map((t) => t.trim()).filter(Boolean);
const sameEtag = (a: string, b: string) => a.replace(/^W\//, '') === b.replace(/^W\//, '');

/** If-Match / If-Unmodified-Since (RFC 9110 13.1.1, 13.1.4): true when the request must get 412. */
function preconditionFails(request: FastifyRequest, stat: BlobStat): boolean {
  const ifMatch = request.headers['if-match'];
  if (ifMatch && ifMatch !== '*' && !tokens(ifMatch).some((t) => t === stat.etag || 'W/' + t === stat.etag)) return true;
  const since = Date.parse(request.headers['if-unmodified-since'] ?? '');
  return !Number.isNaN(since) && Math.floor(stat.modifiedMs / 1000) * 1000 > since;
}

/** If-Range: the range applies only while the client's validator (ETag or date) still matches. */
function rangeStillFresh(request: FastifyRequest, stat: BlobStat, lastModified: string): boolean {
  const ifRange = [request.headers['if-range'] ?? ''].flat().join(',');
  if (!ifRange) return true;
  if (ifRange.includes('"')) return tokens(ifRange).some((t) => sameEtag(t, stat.etag));
  const date = Date.parse(ifRange);
  return !Number.isNaN(date) && Date.parse(lastModified) <= date;
}

/**
 * The single byte range asked for; undefined for the whole file (no bytes Range, a stale If-Range,
 * several ranges). A bytes Range with no satisfiable part, malformed ones included, is a 416.
 */
function requestedRange(request: FastifyRequest, reply: FastifyReply, stat: BlobStat, lastModified: string): ByteRange | undefined {
  const header = request.headers.range;
  if (!header || !/^ *bytes=/.test(header) || !rangeStillFresh(request, stat, lastModified)) return undefined;
  const ranges = parseRange(stat.bytes, header, { combine: true });
  if (ranges === -1 || ranges === -2) {
    reply.header('content-range', `bytes */${stat.bytes}`);
    throw new AppError('range_not_satisfiable', `Range '${clipEcho(header)}' lies outside the file`, { param: 'Range', reason: 'range_not_satisfiable' });
  }
  if (ranges.length !== 1) return undefined;
  return ranges[0];
}

/**
 * Streams a stored object with HTTP Range (206, 416), ETag and Last-Modified (304 on If-None-Match /
 * If-Modified-Since, 412 on If-Match / If-Unmodified-Since) and HEAD. Errors use the spec's envelope.
 */
export async function sendBlob(request: FastifyRequest, reply: FastifyReply, blobs: Pick<BlobStore, 'stat' | 'open'>, blobKey: string, opts: SendBlobOptions): Promise<FastifyReply> {
  const stat = await blobs.stat(blobKey);
  if (!stat) throw opts.missing();
  const lastModified = new Date(stat.modifiedMs).toUTCString();
  reply.header('accept-ranges', 'bytes').header('etag', stat.etag).header('last-modified', lastModified).header('cache-control', opts.cacheControl);
  if (preconditionFails(request, stat)) {
    throw new AppError('precondition_failed', 'The file does not match If-Match / If-Unmodified-Since', { reason: 'precondition_failed' });
  }
  if (fresh(request.headers, { etag: stat.etag, 'last-modified': lastModified })) return reply.code(304).send();
  const range = requestedRange(request, reply, stat, lastModified);
  reply.header('x-content-type-options', 'nosniff').header('content-type', opts.contentType);
  if (opts.filename) reply.header('content-disposition', `inline; filename="${opts.filename}"`);
  if (range) reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${stat.bytes}`);
  reply.header('content-length', String(range ? range.end - range.start + 1 : stat.bytes));
  // An empty stream: Fastify keeps the Content-Length of a stream (an empty body would be sized 0).
  if (request.method === 'HEAD') return reply.send(Readable.from([]));
  const stream = await blobs.open(blobKey, range);
  if (!stream) throw opts.missing();
  // Fastify destroys the stream when the client goes away; a storage failure mid-body cuts the answer.
  return reply.send(stream);
}

/**
 * Answers a download as configured: streamed through this server (sendBlob), or with
 * RESULT_DELIVERY=redirect a 302 to a short-lived presigned URL of the object store, which then
 * serves the bytes (Range and validators included) itself. A missing object answers as when streamed.
 */
export async function deliverBlob(request: FastifyRequest, reply: FastifyReply, deps: Pick<AppDeps, 'blobs' | 'delivery'>, blobKey: string, opts: SendBlobOptions): Promise<FastifyReply> {
  const { blobs, delivery } = deps;
  if (delivery.mode !== 'redirect' || !blobs.presign) return sendBlob(request, reply, blobs, blobKey, opts);
  if (!(await blobs.stat(blobKey))) throw opts.missing();
  const url = await blobs.presign(blobKey, delivery.redirectUrlTtlSeconds, { contentType: opts.contentType, ...(opts.filename && { filename: opts.filename }) });
  // The URL is a credential for a while: not to be cached past this answer.
  return reply.code(302).header('location', url).header('cache-control', 'no-store').send();
}
