import S3rver from '@20minutes/s3rver';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';

interface KoaContext {
  method: string;
  query: Record<string, string | undefined>;
  request: { headers: Record<string, string | undefined> };
  status: number;
  body: unknown;
  set(name: string, value: string): void;
  response: { get(name: string): string };
}
type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

const workAroundQuirks: KoaMiddleware = async (ctx, next) => {
  if (ctx.method === 'GET' && ctx.query['list-type'] === '2' && ctx.query['max-keys'] !== undefined) {
    const { 'max-keys': _dropped, ...rest } = ctx.query;
    ctx.query = rest;
  }
  const firstByteOnly = ctx.method === 'GET' && ctx.request.headers.range === 'bytes=0-0';
  if (firstByteOnly) ctx.request.headers.range = 'bytes=0-';
  await next();
  if (firstByteOnly && ctx.status === 206 && ctx.body instanceof Readable) {
    const total = ctx.response.get('Content-Range').split('/')[1]!;
    const whole = await buffer(ctx.body);
    ctx.body = whole.subarray(0, 1);
    ctx.set('Content-Range', `bytes 0-0/${total}`);
  }
};

/** s3rver's fixed credentials (it checks signatures made with them). */
export const s3Credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3Server {
  /** http://127.0.0.1:port, for S3_ENDPOINT (path-style addressing: there is no DNS for bucket hosts). */
  endpoint: string;
  port: number;
  bucket: string;
  /** Where the objects lie on disk (tests look that nothing landed elsewhere). */
  dir: string;
  close(): Promise<void>;
}

/**
 * An S3-protocol server (s3rver) on 127.0.0.1, port 0, objects in a temp dir, with one bucket.
 * Its quirks, worked around here and not in the product:
 * - it checks SigV4 signatures over the Host header, and the test proxies rewrite Host, so mismatched
 *   signatures are allowed (the signature code is still exercised; only the comparison is skipped);
 * - it has no DNS for virtual-host buckets: clients must use path-style addressing (S3_FORCE_PATH_STYLE);
 * - it keeps the SDK's keep-alive sockets open, so closing destroys them first;
 * - its ListObjectsV2 continuation tokens use DES, which Node's OpenSSL 3 refuses: a truncated listing
 *   answers 500. max-keys is dropped, so listings in tests (< 1000 keys) are never truncated;
 * - it reads `Range: bytes=0-0` as "from 0 to the end" (0 is falsy to it): that one range is cut to its
 *   byte here;
 * - a multipart object's ETag is a plain MD5, not S3's "md5-partcount" (tests count the part requests);
 * - it answers AbortMultipartUpload with 405, so a failed multipart upload leaves its parts on its disk
 *   (never visible as an object).
 */
export async function startS3Server(bucket = 'wangate-test'): Promise<S3Server> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'wangate-s3-'));
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, allowMismatchedSignatures: true, configureBuckets: [{ name: bucket }] });
  (s3 as unknown as { middleware: KoaMiddleware[] }).middleware.unshift(workAroundQuirks);
  const address = (await s3.run()) as AddressInfo;
  const http = (s3 as unknown as { httpServer: Server }).httpServer;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    bucket,
    dir,
    async close() {
      http.closeAllConnections();
      await s3.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
