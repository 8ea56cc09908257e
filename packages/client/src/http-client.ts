import { APIConnectionError, APIConnectionTimeoutError, APIUserAbortError, WangateError, errorFromResponse } from './errors.js';
import { isRetryableStatus, retryDelayMs } from './retry-policy.js';
import type { RequestOptions } from './types.js';

export interface ClientOptions {
  /** Default: the environment's WANGATE_API_KEY. */
  apiKey?: string;
  /** Default: WANGATE_BASE_URL, else http://localhost:8080. A path prefix is kept (https://gw.example/api). */
  baseURL?: string;
  /** Retries on connection errors, 408, 429 and 5xx. Default: WANGATE_MAX_RETRIES, else 2. */
  maxRetries?: number;
  /** Milliseconds one attempt may take until the answer. Default 60000. */
  timeout?: number;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
  /** Headers sent with every request. */
  defaultHeaders?: Record<string, string>;
}

export type RequestBody = string | Blob | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array>;

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** A path under the base URL (`/v1/tasks/…`), or an absolute URL (then no API key is sent). */
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  body?: RequestBody;
  contentType?: string;
  /** Safe to send again after a connection error or a 5xx: reads, idempotent writes, creates with an Idempotency-Key. */
  idempotent: boolean;
  /** Sent as Idempotency-Key (kept across the retries of this request). */
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

export interface JsonAnswer<T> {
  body: T;
  headers: Headers;
}

function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.[name]?.trim() || undefined;
}

/** WANGATE_MAX_RETRIES when it is a whole number ≥ 0 (e.g. 0 in scripts that should fail fast), else undefined. */
function maxRetriesFromEnv(): number | undefined {
  const value = readEnv('WANGATE_MAX_RETRIES');
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** Resolves after `ms`, or rejects with APIUserAbortError when the signal aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new APIUserAbortError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new APIUserAbortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** An absolute URL (a signed result URL): sent without the API key. */
const isAbsolute = (path: string) => path.startsWith('https://') || path.startsWith('http://');

async function parseJson<T>(req: ApiRequest, res: Response): Promise<T> {
  try {
    return (await res.json()) as T;
  } catch (e) {
    if (e instanceof SyntaxError) throw new WangateError(`${req.method} ${req.path}: the answer is not JSON (${e.message})`);
    throw e;
  }
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Sends requests with the key, a per-attempt timeout, the caller's AbortSignal and automatic retries
 * (exponential backoff with jitter, or the server's Retry-After).
 */
export class HttpClient {
  readonly apiKey: string;
  readonly baseURL: string;
  readonly maxRetries: number;
  readonly timeout: number;
  private readonly fetchImpl: typeof fetch;
  private readonly defaultHeaders: Record<string, string>;

  constructor(options: ClientOptions = {}) {
    const apiKey = options.apiKey ?? readEnv('WANGATE_API_KEY');
    if (!apiKey) throw new WangateError('No API key: pass { apiKey } or set WANGATE_API_KEY');
    this.apiKey = apiKey;
    this.baseURL = (options.baseURL ?? readEnv('WANGATE_BASE_URL') ?? 'http://localhost:8080').replace(/\/+$/, '');
    this.maxRetries = options.maxRetries ?? maxRetriesFromEnv() ?? 2;
    this.timeout = options.timeout ?? 60_000;
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.defaultHeaders = options.defaultHeaders ?? {};
  }

  /** A JSON answer (2xx), parsed. */
  async json<T>(req: ApiRequest, opts: RequestOptions = {}): Promise<JsonAnswer<T>> {
    return this.send(req, opts, false, async (res) => ({ body: await parseJson<T>(req, res), headers: res.headers }));
  }

  /** The `data` of a JSON answer (`{"code": 200, "data": …}`). */
  async data<T>(req: ApiRequest, opts: RequestOptions = {}): Promise<T> {
    return this.send(req, opts, false, async (res) => (await parseJson<{ data: T }>(req, res)).data);
  }

  /** A 2xx answer with its body unread (downloads, event streams); the timeout covers the headers only. */
  async response(req: ApiRequest, opts: RequestOptions = {}): Promise<Response> {
    return this.send(req, opts, true, async (res) => res);
  }

  // Plain string work: this runs on every call, and the SDK's overhead over a bare fetch is measured.
  private url(req: ApiRequest): string {
    let url = isAbsolute(req.path) ? req.path : this.baseURL + req.path;
    if (req.query) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(req.query)) if (v !== undefined) params.set(k, String(v));
      const query = params.toString();
      if (query) url += (url.includes('?') ? '&' : '?') + query;
    }
    return url;
  }

  private headers(req: ApiRequest, opts: RequestOptions): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    for (const name in this.defaultHeaders) headers[name] = this.defaultHeaders[name]!;
    if (!isAbsolute(req.path)) headers.authorization = `Bearer ${this.apiKey}`;
    if (req.json !== undefined) headers['content-type'] = 'application/json';
    else if (req.contentType) headers['content-type'] = req.contentType;
    const idempotencyKey = opts.idempotencyKey ?? req.idempotencyKey;
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    for (const extra of [req.headers, opts.headers]) if (extra) for (const name in extra) headers[name] = extra[name]!;
    return headers;
  }

  private async send<T>(req: ApiRequest, opts: RequestOptions, streamed: boolean, read: (res: Response) => Promise<T>): Promise<T> {
    const url = this.url(req);
    const headers = this.headers(req, opts);
    const body = req.json !== undefined ? JSON.stringify(req.json) : req.body;
    // A stream can be sent once only.
    const replayable = !(body instanceof ReadableStream);
    const maxRetries = replayable ? (opts.maxRetries ?? this.maxRetries) : 0;
    const timeoutMs = opts.timeout ?? this.timeout;
    for (let attempt = 0; ; attempt++) {
      if (opts.signal?.aborted) throw new APIUserAbortError();
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      const onAbort = () => controller.abort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      let failure: unknown;
      let retryHeaders: Headers | undefined;
      let answered = false;
      try {
        const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers, signal: controller.signal };
        if (body !== undefined) init.body = body as BodyInit;
        if (body instanceof ReadableStream) init.duplex = 'half';
        const res = await this.fetchImpl(url, init);
        if (res.ok) {
          answered = streamed;
          return await read(res);
        }
        const error = errorFromResponse(res.status, parseBody(await res.text()), res.headers);
        if (!isRetryableStatus(res.status, req.idempotent) || attempt >= maxRetries) throw error;
        failure = error;
        retryHeaders = res.headers;
      } catch (e) {
        if (opts.signal?.aborted) throw new APIUserAbortError();
        if (e instanceof WangateError && e !== failure) throw e;
        if (e !== failure) {
          failure = timedOut ? new APIConnectionTimeoutError(timeoutMs) : new APIConnectionError(`Connection error: ${(e as Error).message}`, { cause: e });
          // The request may have been applied before the connection failed: resend only what is safe to repeat.
          if (!req.idempotent || attempt >= maxRetries) throw failure;
        }
      } finally {
        clearTimeout(timer);
        // A streamed body stays tied to the caller's signal until it is read.
        if (!answered) opts.signal?.removeEventListener('abort', onAbort);
      }
      const delay = retryDelayMs(attempt, retryHeaders);
      if (delay === null) throw failure;
      await sleep(delay, opts.signal);
    }
  }
}
