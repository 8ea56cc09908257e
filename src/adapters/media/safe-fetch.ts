/**
 * MediaFetcher over safeRequest: streams a URL to a file (never the whole body in memory), refuses a
 * declared size over the limit before reading, cuts a body that grows past it, holds the whole download
 * to one deadline, and leaves no partial file behind on any failure.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, isAppErrorOf, type ReasonOf } from '../../domain/errors.js';
import type { MediaFetcher } from '../../domain/ports.js';
import { hostForMessage, safeRequest } from './safe-request.js';

export interface SafeFetcherOptions {
  allowLoopback: boolean;
  /** The whole download: DNS, connect, redirects, headers and body. */
  timeoutMs: number;
  maxRedirects: number;
}

export function createSafeFetcher(opts: SafeFetcherOptions): MediaFetcher {
  return {
    async fetchTo(url, destPath, { maxBytes, param, signal }) {
      const host = hostForMessage(url);
      const fail = (reason: ReasonOf<'invalid_request'>, message: string, cause?: unknown) =>
        new AppError('invalid_request', `${param}: ${message}`, { param, reason, cause });
      const tooLarge = (what: string) => fail('media_too_large', `${host} sent ${what}; the limit is ${maxBytes} bytes`);

      signal?.throwIfAborted();
      const timeout = fail('fetch_timeout', `downloading from ${host} took longer than ${opts.timeoutMs} ms`);
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(timeout), opts.timeoutMs);
      const onAbort = () => deadline.abort(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });

      let file: WriteStream | undefined;
      let bodyError: unknown;
      try {
        const res = await safeRequest(url, {
          timeoutMs: opts.timeoutMs,
          maxRedirects: opts.maxRedirects,
          allowLoopback: opts.allowLoopback,
          signal: deadline.signal,
          headers: { accept: '*/*', 'user-agent': 'wangate-media-fetcher' },
        });
        const finalHost = hostForMessage(res.finalUrl);
        if (res.status < 200 || res.status > 299) {
          res.body.destroy();
          throw fail('fetch_failed', `${finalHost} answered HTTP ${res.status}`);
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          res.body.destroy();
          throw tooLarge(`Content-Length ${declared}`);
        }
        res.body.once('error', (err) => (bodyError ??= err));
        let bytes = 0;
        const limit = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            bytes += chunk.length;
            if (bytes > maxBytes) done(tooLarge(`more than ${maxBytes} bytes`));
            else done(null, chunk);
          },
        });
        file = createWriteStream(destPath);
        await pipeline(res.body, limit, file, { signal: deadline.signal });
        const contentType = res.headers['content-type'];
        return { bytes, contentType: contentType ? contentType : null };
      } catch (err) {
        if (file && !file.closed) await once(file, 'close').catch(() => undefined);
        await rm(destPath, { force: true });
        if (deadline.signal.aborted && deadline.signal.reason === timeout) throw timeout;
        if (signal?.aborted) throw signal.reason;
        if (err instanceof AppError && err.param === param) throw err;
        if (isAppErrorOf(err, 'invalid_request')) throw fail(err.reason, err.message, err);
        if (bodyError !== undefined && (err === bodyError || isPrematureClose(err))) {
          throw fail('fetch_failed', `the download from ${host} broke off: ${(bodyError as Error).message ?? String(bodyError)}`, err);
        }
        if (isPrematureClose(err)) throw fail('fetch_failed', `the download from ${host} broke off`, err);
        throw err;
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}

function isPrematureClose(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET';
}
