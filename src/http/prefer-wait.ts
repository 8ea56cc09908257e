import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { waitForTask, type WaitForTaskDeps } from '../app/wait-for-task.js';
import type { Task } from '../domain/task.js';
import { closingSignal, requestSignal } from './shutdown-signal.js';

export const maxWaitSeconds = 60;

/** Splits on `sep` outside double-quoted strings. */
function splitOutside(value: string, sep: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted && c === '\\' && i + 1 < value.length) {
      current += c + value[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

/**
 * The `wait` preference of RFC 7240 (`Prefer: respond-async, wait=10`), in seconds: 1..60, larger
 * values clamped to 60. Anything else (absent, 0, negative, not an integer) is ignored, as the RFC
 * asks of preferences a server cannot honour: null. The first `wait` decides.
 */
export function preferredWaitSeconds(header: string | string[] | undefined): number | null {
  for (const value of header === undefined ? [] : [header].flat()) {
    for (const preference of splitOutside(value, ',')) {
      const head = splitOutside(preference, ';')[0]!;
      const eq = head.indexOf('=');
      const name = (eq < 0 ? head : head.slice(0, eq)).trim().toLowerCase();
      if (name !== 'wait') continue;
      let raw = eq < 0 ? '' : head.slice(eq + 1).trim();
      if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) raw = raw.slice(1, -1);
      if (!/^\d{1,10}$/.test(raw)) return null;
      const seconds = Number(raw);
      return seconds < 1 ? null : Math.min(seconds, maxWaitSeconds);
    }
  }
  return null;
}

export type PreferWait = (request: FastifyRequest, reply: FastifyReply, input: { keyId: string; taskId: string }) => Promise<Task | null>;

/**
 * Honours `Prefer: wait=N` on a route: waits until the task ends or N seconds pass, sets
 * `Preference-Applied: wait=N` and returns the task as it then is; returns null (at once) when the
 * request states no usable preference. Register while building the app (it hooks app close).
 */
export function preferWaitHandler(app: FastifyInstance, deps: WaitForTaskDeps): PreferWait {
  const closing = closingSignal(app);
  return async (request, reply, input) => {
    const seconds = preferredWaitSeconds(request.headers.prefer);
    if (seconds === null) return null;
    const task = await waitForTask({ ...deps, log: request.log }, { ...input, timeoutMs: seconds * 1000, signal: requestSignal(reply, closing) });
    reply.header('preference-applied', `wait=${seconds}`);
    return task;
  };
}
