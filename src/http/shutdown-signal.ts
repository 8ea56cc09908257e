import { setMaxListeners } from 'node:events';
import type { FastifyInstance, FastifyReply } from 'fastify';

const closing = new WeakMap<FastifyInstance, AbortSignal>();

/**
 * Aborts when the app starts to close, so long-lived requests (event streams, Prefer: wait) end and
 * close() does not wait for them. Call it while registering routes (it adds a preClose hook once).
 */
export function closingSignal(app: FastifyInstance): AbortSignal {
  let signal = closing.get(app);
  if (!signal) {
    const controller = new AbortController();
    signal = controller.signal;
    // Every open stream and waiting request listens: no listener cap (not a leak).
    setMaxListeners(0, signal);
    closing.set(app, signal);
    app.addHook('preClose', async () => controller.abort());
  }
  return signal;
}

/** Aborts when the client goes away (or the response ends), or when the app closes. */
export function requestSignal(reply: FastifyReply, appClosing: AbortSignal): AbortSignal {
  const gone = new AbortController();
  reply.raw.once('close', () => gone.abort());
  return AbortSignal.any([gone.signal, appClosing]);
}
