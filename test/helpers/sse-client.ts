import { request, type IncomingMessage } from 'node:http';

/** A small Server-Sent Events reader for tests: collects events and comments as they arrive. */
export interface SseMessage {
  /** 'comment' for `: ...` lines (heartbeats), else the event name ('message' when none was given). */
  event: string;
  data: string;
  comment?: string;
  /** Date.now() when the message was read (latency measurements). */
  receivedAtMs: number;
}

export interface SseStream {
  status: number;
  headers: Headers;
  messages: SseMessage[];
  /** Every `retry:` value the server sent (reconnection delays in ms), in order. */
  retries: number[];
  /** Resolves when the server closes the stream. */
  closed: Promise<void>;
  /** Waits until a message matches (or the stream closes: then it rejects). */
  waitFor(match: (m: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage>;
  /** Disconnects, as a client that goes away. */
  abort(): void;
}

/** Opens the stream with node:http (so a test can drop the connection the way a real client does). */
export async function openSse(url: string, key: string): Promise<SseStream> {
  const req = request(url, { headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' }, agent: false });
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
  const messages: SseMessage[] = [];
  const retries: number[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  let done = false;
  const closed = (async () => {
    res.setEncoding('utf8');
    let buffer = '';
    try {
      for await (const chunk of res as AsyncIterable<string>) {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) messages.push({ event: 'comment', data: '', comment: line.slice(1).trim(), receivedAtMs: Date.now() });
            else if (line.startsWith('retry:')) retries.push(Number(line.slice(6).trim()));
            else if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
          }
          if (data.length > 0) messages.push({ event, data: data.join('\n'), receivedAtMs: Date.now() });
          notify();
        }
      }
    } catch {
      // dropped by the test
    } finally {
      done = true;
      notify();
    }
  })();
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers.set(name, [value].flat().join(', '));
  return {
    status: res.statusCode ?? 0,
    headers,
    messages,
    retries,
    closed,
    waitFor(match, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match);
          if (found) return finish(() => resolve(found));
          if (done) finish(() => reject(new Error(`stream closed; got ${messages.map((m) => m.event).join(', ')}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`timed out; got ${messages.map((m) => m.event).join(', ')}`))), timeoutMs);
        const finish = (then: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          then();
        };
        waiters.add(check);
        check();
      });
    },
    abort: () => req.destroy(),
  };
}
