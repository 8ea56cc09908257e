import type { FastifyInstance } from 'fastify';
import { describeTask, findOwnTask, type DescribeTaskDeps } from '../../app/get-task.js';
import { watchTask, type TaskWatch, type WatchTaskDeps } from '../../app/watch-task.js';
import { isTerminal, type Task } from '../../domain/task.js';
import { requireKey, type AuthDeps } from '../auth.js';
import { api } from '../openapi/api-catalogue.js';
import type { TaskParams } from '../openapi/request-schemas.js';
import { renderTask, type RenderTaskDeps } from '../../present/render-task.js';
import { closingSignal } from '../shutdown-signal.js';

/**
 * GET /v1/tasks/{id}/events: a Server-Sent Events stream of the task. The current state is sent at
 * once, then every change: `event: pending|processing` when the status changes, `event: progress`
 * when only the progress moves, each with the task JSON of GET /v1/tasks/{id} as data. A `: ping`
 * comment keeps idle connections open. The stream ends with `event: completed|failed|cancelled`.
 */
export function registerTaskEventRoutes(app: FastifyInstance, deps: AuthDeps & DescribeTaskDeps & WatchTaskDeps & RenderTaskDeps): void {
  const closing = closingSignal(app);

  app.get<{ Params: TaskParams }>(api.streamTaskEvents.url, async (request, reply) => {
    const key = await requireKey(deps, request, 'user');
    // Errors (401, 404) are ordinary JSON answers; only a stream that starts is hijacked.
    const task = await findOwnTask(deps, key.id, request.params.taskId);
    // HEAD (served by this handler) gets the headers only, not a stream that stays open.
    if (request.method === 'HEAD') return reply.header('content-type', 'text/event-stream; charset=utf-8').send();
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Proxies such as nginx must not buffer the stream.
      'x-accel-buffering': 'no',
      'x-request-id': request.id,
    });

    let ended = false;
    let watch: TaskWatch | undefined;
    let lastStatus: Task['status'] | undefined;
    // Sends are chained: each renders from the store (queue position, signed URL) before writing.
    let sending: Promise<void> = Promise.resolve();

    const heartbeat = setInterval(() => {
      if (!ended) res.write(': ping\n\n');
    }, deps.notifications.sseHeartbeatMs);

    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      watch?.stop();
      closing.removeEventListener('abort', endForShutdown);
      if (!res.writableEnded) res.end();
    };

    const send = (t: Task) => {
      sending = sending
        .then(async () => {
          if (ended) return;
          const name = t.status === lastStatus ? 'progress' : t.status;
          lastStatus = t.status;
          const data = renderTask(deps, await describeTask(deps, t));
          if (ended) return;
          res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
          if (isTerminal(t.status)) end();
        })
        .catch((err: unknown) => {
          request.log.warn({ err: String(err), taskId: t.id }, 'event stream failed');
          end();
        });
    };

    // The server is shutting down: ask the client to come back soon (to another process, behind a
    // load balancer), spread over a few seconds so the streams do not all return at once.
    const endForShutdown = () => {
      if (!ended && !res.writableEnded) res.write(`retry: ${1000 + Math.floor(Math.random() * 2000)}\n\n`);
      end();
    };
    res.on('close', end);
    closing.addEventListener('abort', endForShutdown, { once: true });
    // Clients reconnect after 3 s if the connection drops (the stream restarts with the current state).
    res.write('retry: 3000\n\n');
    send(task);
    // The watch logs through the request's logger: its lines carry the request id.
    if (!isTerminal(task.status)) watch = watchTask({ ...deps, log: request.log }, task, send);
  });
}
