import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does to one request instead of (or while) forwarding it. */
export type Fault =
  /** Answer with this status and an error envelope, without forwarding. */
  | { status: number; reason?: string; headers?: Record<string, string> }
  /** Forward; once the upstream answered, cut the connection instead of answering. */
  | { cut: 'after-upstream' }
  /** Forward; send the headers and this many bytes of the body, then cut the connection. */
  | { cut: 'mid-body'; afterBytes: number }
  /** Never answer (until the client gives up or the proxy closes). */
  | { hang: true };

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  atMs: number;
}

export interface FaultProxy {
  url: string;
  /** Every request that reached the proxy, in order. */
  requests: SeenRequest[];
  /** task_id of every create the upstream answered (including answers the client never saw). */
  createdTaskIds: string[];
  /** The next requests matching `match` meet these faults, one each, in order. */
  inject(match: (req: SeenRequest) => boolean, ...faults: Fault[]): void;
  close(): Promise<void>;
}

const errorType: Record<number, string> = { 404: 'not_found_error', 408: 'invalid_request_error', 429: 'rate_limit_error', 503: 'service_unavailable' };

/** An HTTP proxy on 127.0.0.1 in front of a real server that answers, cuts or stalls requests as a test tells it. */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const requests: SeenRequest[] = [];
  const createdTaskIds: string[] = [];
  const plans: { match: (req: SeenRequest) => boolean; faults: Fault[] }[] = [];

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, fault: Fault | undefined) => {
    const out = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (up) => {
        const isCreate = req.method === 'POST' && req.url === '/v1/videos/generations';
        if (fault && 'cut' in fault && fault.cut === 'mid-body') {
          // Passed on as it comes (an event stream never ends by itself), up to the cut.
          res.writeHead(up.statusCode ?? 502, up.headers);
          let left = fault.afterBytes;
          up.on('data', (c: Buffer) => {
            if (left <= 0) return;
            const piece = c.subarray(0, left);
            left -= piece.length;
            // The cut waits a moment after the last piece is flushed, so a loaded client has read those
            // bytes before its connection fails (else it may see the failure first and hold nothing).
            res.write(piece, () => left <= 0 && setTimeout(() => (up.destroy(), req.socket.destroy()), 200));
          });
          return;
        }
        if (!isCreate && fault === undefined) {
          // Streamed through as it comes (event streams, downloads); a client gone ends the upstream request too.
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          res.once('close', () => up.destroy());
          return;
        }
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const text = Buffer.concat(chunks);
          if (isCreate && up.statusCode === 200) createdTaskIds.push(JSON.parse(text.toString()).data[0].task_id);
          if (fault && 'cut' in fault && fault.cut === 'after-upstream') return req.socket.destroy();
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(text);
        });
      },
    );
    out.on('error', () => res.destroy());
    out.end(body);
  };

  const server: Server = createServer((req, res) => {
    const seen: SeenRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, atMs: Date.now() };
    requests.push(seen);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const plan = plans.find((p) => p.faults.length > 0 && p.match(seen));
      const fault = plan?.faults.shift();
      if (fault && 'hang' in fault) return;
      if (fault && 'status' in fault) {
        const reason = fault.reason ?? 'injected';
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(JSON.stringify({ error: { code: fault.status, type: errorType[fault.status] ?? 'server_error', message: `injected ${fault.status}`, reason }, request_id: 'req_proxy' }));
        return;
      }
      forward(req, res, Buffer.concat(chunks), fault);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    createdTaskIds,
    inject: (match, ...faults) => plans.push({ match, faults }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Matches one method and path (the query string is ignored). */
export const route = (method: string, pathPattern: RegExp) => (req: SeenRequest) => req.method === method && pathPattern.test(req.url.split('?')[0]!);
