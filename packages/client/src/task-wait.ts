import { APIConnectionError, APIError, APIUserAbortError, NotFoundError, WaitTimeoutError, WangateError } from './errors.js';
import { sleep, type HttpClient } from './http-client.js';
import { retryAfterMs } from './retry-policy.js';
import { parseServerSentEvents } from './sse.js';
import { taskPath } from './paths.js';
import { isTerminal, type RequestOptions, type Task, type TaskEvent, type WaitOptions } from './types.js';

export interface RetrievedTask {
  task: Task;
  headers: Headers;
}

type Retrieve = (opts: RequestOptions & { waitSeconds?: number }) => Promise<RetrievedTask>;

/** The gateway has no event stream for tasks (a 404 for the route, not for the task; or another answer). */
class EventsUnavailableError extends WangateError {}

/** Whether an error says a route does not exist here (as opposed to an unknown task or a result not ready). */
export function isMissingRoute(e: unknown): boolean {
  if (e instanceof NotFoundError) return e.reason === undefined || e.reason === 'route_not_found';
  return e instanceof APIError && (e.status === 405 || e.status === 501);
}

export async function* taskEvents(http: HttpClient, taskId: string, opts: RequestOptions): AsyncGenerator<TaskEvent> {
  const res = await http.response({ method: 'GET', path: taskPath(taskId, '/events'), idempotent: true, headers: { accept: 'text/event-stream' } }, opts);
  if (!res.body || !res.headers.get('content-type')?.includes('text/event-stream')) {
    await res.body?.cancel();
    throw new EventsUnavailableError(`GET ${taskPath(taskId, '/events')} did not answer with an event stream`);
  }
  try {
    for await (const message of parseServerSentEvents(res.body)) {
      const task = JSON.parse(message.data) as Task;
      yield { event: message.event, task };
      if (isTerminal(task.status)) return;
    }
  } catch (e) {
    if (opts.signal?.aborted) throw new APIUserAbortError();
    throw e instanceof WangateError ? e : new APIConnectionError(`The event stream broke: ${(e as Error).message}`, { cause: e });
  }
}

const changed = (a: Task | undefined, b: Task) =>
  !a || a.status !== b.status || a.progress !== b.progress || a.queue_position !== b.queue_position;

/** Seconds of a long poll (Prefer: wait): well inside the request timeout and the time left. */
function longPollSeconds(timeoutMs: number, deadlineMs: number): number {
  const left = Math.floor((deadlineMs - Date.now()) / 1000);
  return Math.max(1, Math.min(30, Math.floor(timeoutMs / 1000) - 5, left));
}

/**
 * Follows a task until it ends. The event stream is used while the gateway offers it; after a dropped
 * stream the task is read at once and the stream reopened; after three drops in a row, or where there
 * is no stream, it polls: long polls where the server honours Prefer: wait, else at the Retry-After
 * the server gives or a growing interval (1 s up to 5 s).
 */
export async function waitForTask(http: HttpClient, retrieve: Retrieve, taskId: string, opts: RequestOptions & WaitOptions): Promise<Task> {
  const deadlineMs = opts.maxWaitMs === undefined ? Infinity : Date.now() + opts.maxWaitMs;
  const controller = new AbortController();
  let expired = false;
  const timer = Number.isFinite(deadlineMs)
    ? setTimeout(() => {
        expired = true;
        controller.abort();
      }, opts.maxWaitMs)
    : undefined;
  const onAbort = () => controller.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const call = { ...opts, signal: controller.signal };
  let last: Task | undefined;
  const seen = (task: Task) => {
    if (changed(last, task)) opts.onProgress?.(task);
    last = task;
    return isTerminal(task.status);
  };
  let useEvents = true;
  let drops = 0;
  let pollDelayMs = 1000;
  try {
    for (;;) {
      if (useEvents) {
        let received = false;
        try {
          for await (const { task } of taskEvents(http, taskId, call)) {
            received = true;
            if (seen(task)) return task;
          }
          drops = received ? 1 : drops + 1;
        } catch (e) {
          if (e instanceof EventsUnavailableError || isMissingRoute(e)) useEvents = false;
          else if (e instanceof APIConnectionError) drops = received ? 1 : drops + 1;
          else throw e;
        }
        if (drops >= 3) useEvents = false;
      }
      // After a dropped stream: a plain read at once. Polling only: a long poll.
      const waitSeconds = useEvents ? undefined : longPollSeconds(call.timeout ?? http.timeout, deadlineMs);
      const { task, headers } = await retrieve({ ...call, ...(waitSeconds !== undefined && { waitSeconds }) });
      if (seen(task)) return task;
      if (useEvents) {
        await sleep(500 * drops, call.signal);
      } else if (!headers.has('preference-applied')) {
        // The server did not hold the answer: wait as it says, or back off gently.
        await sleep(retryAfterMs(headers) ?? pollDelayMs, call.signal);
        pollDelayMs = Math.min(pollDelayMs * 1.5, 5000);
      }
    }
  } catch (e) {
    if (expired && e instanceof APIUserAbortError) throw new WaitTimeoutError(taskId, last);
    throw e;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
