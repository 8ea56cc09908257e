/**
 * A small SSRF-guarded HTTP client (media fetches, webhooks). Built on node:http/https rather than
 * fetch so the guard sees the address the socket actually connects to:
 * - http: and https: only, no credentials in the URL;
 * - literal-IP hosts are judged directly; names resolve through a lookup that refuses the whole answer
 *   when any resolved address is blocked, and the socket is checked again once connected (DNS rebinding
 *   cannot slip a private address in between the check and the connection);
 * - redirects are followed by hand, every hop checked again, at most maxRedirects;
 * - one timer covers DNS, connect, TLS and headers across all hops; the body is the caller's to time.
 * Messages name the host, never the path or query (which may hold a signature).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { clipEcho } from '../../domain/clip-echo.js';
import { AppError } from '../../domain/errors.js';
import { describeBlock } from './ip-policy.js';

export interface SafeRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Covers DNS, connect, TLS and response headers, over every redirect hop. */
  timeoutMs: number;
  maxRedirects: number;
  allowLoopback: boolean;
  signal?: AbortSignal;
}

export interface SafeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The caller must consume or destroy it; an abort of opts.signal destroys it too. */
  body: IncomingMessage;
  finalUrl: string;
}

function notAllowed(message: string): AppError {
  return new AppError('invalid_request', message, { reason: 'url_not_allowed' });
}

/** The host of a URL for messages (never the path or query); '(invalid URL)' when it does not parse. */
export function hostForMessage(url: string | URL): string {
  try {
    return clipEcho((typeof url === 'string' ? new URL(url) : url).host) || '(no host)';
  } catch {
    return '(invalid URL)';
  }
}

function bareHost(url: URL): string {
  const h = url.hostname;
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/** Scheme, credentials and literal-IP checks; names are checked at lookup time. */
export function checkUrl(raw: string | URL, allowLoopback: boolean): URL {
  let url: URL;
  try {
    url = typeof raw === 'string' ? new URL(raw) : raw;
  } catch {
    throw notAllowed('not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw notAllowed(`the scheme ${url.protocol} is not allowed: use http: or https:`);
  }
  if (url.username !== '' || url.password !== '') throw notAllowed(`URLs with credentials are not allowed (host ${hostForMessage(url)})`);
  const host = bareHost(url);
  if (host === '') throw notAllowed('the URL has no host');
  if (isIP(host)) {
    const why = describeBlock(host, { allowLoopback });
    if (why) throw notAllowed(`host ${hostForMessage(url)} is not allowed: it is ${why}`);
  }
  return url;
}

type ResolveAll = (hostname: string, options: LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/**
 * A socket `lookup` that resolves every address of the name and refuses the whole answer when any of
 * them is blocked, so the connection can only go to a checked address. `resolve` is for tests.
 */
export function guardedLookup(allowLoopback: boolean, resolve: ResolveAll = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      if (addresses.length === 0) return callback(Object.assign(new Error(`no address for ${clipEcho(hostname)}`), { code: 'ENOTFOUND' }), '', 0);
      for (const a of addresses) {
        const why = describeBlock(a.address, { allowLoopback });
        if (why) return callback(notAllowed(`host ${clipEcho(hostname)} is not allowed: it resolves to ${why} (${a.address})`), '', 0);
      }
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

function mapNetworkError(err: unknown, host: string): AppError {
  if (err instanceof AppError) return err;
  const e = err as NodeJS.ErrnoException;
  const why = e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN' ? `could not resolve ${host}` : `could not fetch from ${host}`;
  return new AppError('invalid_request', `${why}: ${clipEcho(e?.message ?? String(err))}`, { reason: 'fetch_failed', cause: err });
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

export async function safeRequest(url: string, opts: SafeRequestOptions): Promise<SafeResponse> {
  const signal = opts.signal;
  signal?.throwIfAborted();
  let current = checkUrl(url, opts.allowLoopback);
  let method = (opts.method ?? 'GET').toUpperCase();
  let headers: Record<string, string> = { ...opts.headers };
  let body = opts.body;

  // Whatever is in flight (request, then response body) is destroyed with `failure` on timeout or abort.
  let inFlight: { destroy(err: Error): unknown } | undefined;
  let failure: Error | undefined;
  const fail = (err: Error) => {
    if (failure) return;
    failure = err;
    inFlight?.destroy(err);
  };
  const timer = setTimeout(
    () => fail(new AppError('invalid_request', `${hostForMessage(current)} did not answer within ${opts.timeoutMs} ms`, { reason: 'fetch_timeout' })),
    opts.timeoutMs,
  );
  const onAbort = () => fail(signal!.reason instanceof Error ? signal!.reason : new Error('aborted', { cause: signal!.reason }));
  signal?.addEventListener('abort', onAbort, { once: true });
  const stopWatching = () => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  };

  try {
    for (let redirects = 0; ; redirects++) {
      const res = await requestOnce(current, method, headers, body);
      const location = res.headers.location;
      if (!redirectStatuses.has(res.statusCode ?? 0) || !location) {
        clearTimeout(timer);
        inFlight = res;
        // Errors reach the caller through its pipeline; this only keeps a stray one from crashing the process.
        res.on('error', () => undefined);
        res.once('close', stopWatching);
        if (failure) res.destroy(failure);
        return { status: res.statusCode ?? 0, headers: res.headers, body: res, finalUrl: current.href };
      }
      res.on('error', () => undefined).destroy();
      if (redirects >= opts.maxRedirects) {
        throw new AppError('invalid_request', `${hostForMessage(current)} redirected more than ${opts.maxRedirects} times`, { reason: 'too_many_redirects' });
      }
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw new AppError('invalid_request', `${hostForMessage(current)} redirected to an invalid URL`, { reason: 'fetch_failed' });
      }
      try {
        checkUrl(next, opts.allowLoopback);
      } catch (err) {
        const e = err as AppError;
        throw notAllowed(`${hostForMessage(current)} redirected to a URL that is not allowed: ${e.message}`);
      }
      const status = res.statusCode ?? 0;
      if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        headers = withoutHeaders(headers, ['content-type', 'content-length', 'transfer-encoding']);
      }
      if (next.origin !== current.origin) headers = withoutHeaders(headers, ['authorization', 'cookie', 'proxy-authorization']);
      current = next;
    }
  } catch (err) {
    stopWatching();
    throw err;
  }

  function requestOnce(target: URL, m: string, h: Record<string, string>, b: string | Buffer | undefined): Promise<IncomingMessage> {
    if (failure) return Promise.reject(failure);
    return new Promise((resolve, reject) => {
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const host = hostForMessage(target);
      let req: ClientRequest;
      try {
        req = send(target, {
          method: m,
          headers: b === undefined ? h : { ...h, 'content-length': String(Buffer.byteLength(b)) },
          lookup: guardedLookup(opts.allowLoopback),
          agent: false,
        });
      } catch (err) {
        reject(mapNetworkError(err, host));
        return;
      }
      inFlight = req;
      req.once('socket', (socket: Socket) => {
        // Runs before any queued write: the request never leaves for an address the policy refuses.
        socket.prependOnceListener('connect', () => {
          const remote = socket.remoteAddress ?? '';
          const why = describeBlock(remote, { allowLoopback: opts.allowLoopback });
          if (why) socket.destroy(notAllowed(`host ${host} is not allowed: it connected to ${why} (${remote})`));
        });
      });
      req.once('response', resolve);
      req.on('error', (err) => reject(failure ?? mapNetworkError(err, host)));
      req.end(b);
    });
  }
}

function withoutHeaders(headers: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !names.includes(k.toLowerCase())));
}
