import { describe, expect, it } from 'vitest';
import { parseServerSentEvents, type ServerSentEvent } from './sse.js';

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const bytes = chunks.map((c) => new TextEncoder().encode(c));
  return new ReadableStream({
    pull(controller) {
      const next = bytes.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<ServerSentEvent[]> {
  const out: ServerSentEvent[] = [];
  for await (const e of parseServerSentEvents(stream)) out.push(e);
  return out;
}

describe('parseServerSentEvents', () => {
  it('yields named events with their data, skipping comments and keeping the retry hint', async () => {
    const events = await collect(streamOf('retry: 3000\n\n', 'event: pending\ndata: {"a":1}\n\n', ': ping\n\n', 'event: completed\ndata: {"a":2}\n\n'));
    expect(events).toEqual([
      { event: 'pending', data: '{"a":1}', retry: 3000 },
      { event: 'completed', data: '{"a":2}', retry: 3000 },
    ]);
  });

  it('reassembles lines split across chunks, CRLF split between chunks and multi-byte characters', async () => {
    const cat = new TextEncoder().encode('data: chat ☺\r\n\r\n');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('event: pro'));
        controller.enqueue(new TextEncoder().encode('gress\r'));
        controller.enqueue(cat.subarray(0, 12));
        controller.enqueue(cat.subarray(12));
        controller.close();
      },
    });
    expect(await collect(stream)).toEqual([{ event: 'progress', data: 'chat ☺' }]);
  });

  it('joins multi-line data and defaults the event name to message', async () => {
    expect(await collect(streamOf('data: one\ndata: two\r\rid: 7\ndata:x\n\n'))).toEqual([
      { event: 'message', data: 'one\ntwo' },
      { event: 'message', data: 'x', id: '7' },
    ]);
  });
});
