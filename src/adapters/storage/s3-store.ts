import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { storageUnavailable } from '../../domain/storage-unavailable.js';
import type { BlobStore } from '../../domain/ports.js';

export interface S3StoreOptions {
  bucket: string;
  /** Prepended to every key: '' or 'some/prefix/'. */
  prefix: string;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  /** Unset: the SDK's default chain (AWS_ACCESS_KEY_ID…, AWS_PROFILE, instance roles, …). */
  credentials?: S3ClientConfig['credentials'];
  /** A connection that cannot be made, or a socket silent this long, fails the call (then the SDK retries). */
  connectTimeoutMs?: number;
  socketTimeoutMs?: number;
  /** The SDK's attempts per call (5xx, throttling, cut connections are retried with backoff). */
  maxAttempts?: number;
  /** Objects larger than this are sent as a multipart upload of parts of this size (S3's least: 5 MiB). */
  partBytes?: number;
}

export interface S3Store extends BlobStore {
  close(): void;
}

const isNotFound = (e: unknown) =>
  e instanceof S3ServiceException && (e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata.httpStatusCode === 404);


/**
 * Blobs as objects of one bucket under a prefix, on AWS S3 or any S3-compatible store. Anything but
 * "no such object" is a retryable storage_unavailable error, with the SDK's own error as its cause.
 */
export function createS3Store(opts: S3StoreOptions): S3Store {
  const client = new S3Client({
    region: opts.region,
    forcePathStyle: opts.forcePathStyle,
    followRegionRedirects: true,
    maxAttempts: opts.maxAttempts ?? 3,
    requestHandler: { connectionTimeout: opts.connectTimeoutMs ?? 5000, socketTimeout: opts.socketTimeoutMs ?? 30_000 },
    ...(opts.endpoint && { endpoint: opts.endpoint }),
    ...(opts.credentials && { credentials: opts.credentials }),
  });
  const Bucket = opts.bucket;
  const full = (key: string) => opts.prefix + key;
  const partSize = Math.max(5 * 1024 * 1024, opts.partBytes ?? 8 * 1024 * 1024);

  const upload = async (key: string, body: Readable, contentType: string | undefined) => {
    // Multipart past one part (parts sent two at a time); an upload that fails is aborted, leaving nothing.
    const task = new Upload({ client, params: { Bucket, Key: full(key), Body: body, ContentType: contentType }, partSize, queueSize: 2 });
    try {
      await task.done();
    } catch (e) {
      body.destroy();
      throw body.errored ?? storageUnavailable(e);
    }
  };

  return {
    async putFile(key, filePath, putOpts) {
      await upload(key, createReadStream(filePath), putOpts?.contentType);
    },
    async putStream(key, source, putOpts) {
      // The source's own error (a refused upload) wins over what the SDK makes of it.
      let sourceError: unknown;
      source.once('error', (e) => (sourceError = e));
      try {
        await upload(key, source, putOpts?.contentType);
      } catch (e) {
        throw sourceError ?? e;
      }
      if (sourceError) throw sourceError;
    },
    async open(key, range) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket, Key: full(key), ...(range && { Range: `bytes=${range.start}-${range.end}` }) }));
        return out.Body as Readable;
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw storageUnavailable(e);
      }
    },
    async stat(key) {
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket, Key: full(key) }));
        return { bytes: out.ContentLength ?? 0, etag: out.ETag ?? `"${out.LastModified?.getTime() ?? 0}"`, modifiedMs: out.LastModified?.getTime() ?? 0 };
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw storageUnavailable(e);
      }
    },
    async delete(key) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket, Key: full(key) }));
      } catch (e) {
        if (!isNotFound(e)) throw storageUnavailable(e);
      }
    },
    async list(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      try {
        do {
          const out = await client.send(new ListObjectsV2Command({ Bucket, Prefix: full(prefix), ContinuationToken: token }));
          for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key.slice(opts.prefix.length));
          token = out.IsTruncated ? out.NextContinuationToken : undefined;
        } while (token);
      } catch (e) {
        throw storageUnavailable(e);
      }
      return keys;
    },
    async presign(key, expiresInSeconds, signOpts) {
      const command = new GetObjectCommand({
        Bucket,
        Key: full(key),
        ResponseContentType: signOpts.contentType,
        ...(signOpts.filename && { ResponseContentDisposition: `inline; filename="${signOpts.filename}"` }),
      });
      return getSignedUrl(client, command, { expiresIn: expiresInSeconds });
    },
    async ping() {
      // Listing one key of our prefix needs no bucket-wide permission (HeadBucket would).
      await client.send(new ListObjectsV2Command({ Bucket, Prefix: opts.prefix, MaxKeys: 1 }));
    },
    close() {
      client.destroy();
    },
  };
}
