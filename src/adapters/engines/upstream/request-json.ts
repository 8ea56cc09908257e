/**
 * A small JSON-over-HTTP client for operator-configured upstream APIs (no SSRF guard: the base URL comes
 * from the operator, never from a client). Built on node:http/https rather than fetch because a create
 * of unknown outcome must be told apart from one that never left: `sent` says whether the whole request
 * had been handed to the network before the failure.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface JsonResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or undefined when the body was empty or not JSON. */
  json: unknown;
  text: string;
}

export class NetworkError extends Error {
  constructor(
    message: string,
    /** The request had fully left: the server may have acted on it. */
    readonly sent: boolean,
    readonly timedOut: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NetworkError';
  }
}

export interface JsonRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  /** The whole exchange: connect, send, headers and body. */
  timeoutMs: number;
  /** false: a fresh connection (creates: a stale kept-alive socket would make the outcome unknown). */
  keepAlive: boolean;
  signal?: AbortSignal;
}

const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: 32 }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 32 }),
};

const maxBodyBytes = 4 * 1024 * 1024;

export function requestJson(req: JsonRequest): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      reject(new NetworkError(`not a valid URL: ${req.url}`, false, false));
      return;
    }
    const https = url.protocol === 'https:';
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    let sent = false;
    let settled = false;
    const host = url.host;
    const send = https ? httpsRequest : httpRequest;
    const r = send(url, { method: req.method, headers, agent: req.keepAlive ? (https ? agents.https : agents.http) : false });
    const fail = (err: NetworkError) => {
      if (settled) return;
      settled = true;
      cleanup();
      r.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new NetworkError(`${host} did not answer within ${req.timeoutMs} ms`, sent, true)), req.timeoutMs);
    const onAbort = () => fail(new NetworkError('the request was aborted', sent, false));
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
    };
    r.on('finish', () => (sent = true));
    r.on('error', (err: NodeJS.ErrnoException) => fail(new NetworkError(`${host}: ${err.code ?? ''} ${err.message}`.trim(), sent, false, { cause: err })));
    r.on('response', (res) => {
      // A response proves the request arrived, whatever happens to the body.
      sent = true;
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes > maxBodyBytes) fail(new NetworkError(`${host} sent a reply larger than ${maxBodyBytes} bytes`, true, false));
        else chunks.push(c);
      });
      res.on('error', (err) => fail(new NetworkError(`${host}: the reply broke off: ${err.message}`, true, false, { cause: err })));
      res.on('close', () => {
        if (!res.complete) fail(new NetworkError(`${host}: the reply broke off`, true, false));
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        cleanup();
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json, text });
      });
    });
    r.end(payload);
  });
}
