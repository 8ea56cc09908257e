import type { FastifyInstance } from 'fastify';
import { cancelTask, type CancelTaskDeps } from '../../app/cancel-task.js';
import { createTask, type CreateTaskDeps } from '../../app/create-task.js';
import { describeTask, findOwnTask, taskDetails, type TaskDetails, type TaskDetailsDeps } from '../../app/get-task.js';
import type { WaitForTaskDeps } from '../../app/wait-for-task.js';
import { requireKey, type AuthDeps } from '../auth.js';
import { api } from '../openapi/api-catalogue.js';
import { readIdempotencyKey, type TaskParams } from '../openapi/request-schemas.js';
import { renderTask, type RenderTaskDeps } from '../../present/render-task.js';
import { preferWaitHandler } from '../prefer-wait.js';
import { parseInput } from '../query-schemas.js';
import { messageLanguageOf } from '../../present/task-error-language.js';
import { isTerminal } from '../../domain/task.js';
import { requestedResponseVersion } from '../response-version.js';

/** Set on a create answered from an earlier request with the same Idempotency-Key. */
export const idempotencyReplayedHeader = 'Idempotency-Replayed';

type VideoRouteDeps = AuthDeps & CreateTaskDeps & WaitForTaskDeps & TaskDetailsDeps & CancelTaskDeps & RenderTaskDeps;

export function registerVideoRoutes(app: FastifyInstance, deps: VideoRouteDeps): void {
  const preferWait = preferWaitHandler(app, deps);
  const render = (details: TaskDetails) => renderTask(deps, details);

  // The body is validated by createTask with the domain's createRequestSchema (the catalogue's body schema).
  app.post(api.createGeneration.url, async (request, reply) => {
    const key = await requireKey(deps, request, 'user');
    const idempotencyKey = readIdempotencyKey(request.headers['idempotency-key']);
    const { task, created } = await createTask(deps, { key, body: request.body, ...(idempotencyKey !== undefined && { idempotencyKey }) });
    // A replay answers the original task, and says so: a client can tell it from a new task.
    if (!created) reply.header(idempotencyReplayedHeader, 'true');
    // Prefer: wait=N answers once the task ends (or after N s).
    const waited = await preferWait(request, reply, { keyId: key.id, taskId: task.id });
    if (requestedResponseVersion(request) === '2026-07-27') {
      return { data: { object: 'generation.task' as const, ...render(await describeTask(deps, waited ?? task)) }, request_id: request.id };
    }
    // The seed page's first version (the default): its shape; the status is the terminal one when the wait saw the end.
    return { code: 200, data: [{ status: waited && isTerminal(waited.status) ? waited.status : 'submitted', task_id: task.id }] };
  });

  app.get<{ Params: TaskParams }>(api.getTask.url, async (request, reply) => {
    const key = await requireKey(deps, request, 'user');
    const { language = 'en' } = parseInput(api.getTask.request.query, request.query);
    const input = { keyId: key.id, taskId: request.params.taskId };
    // A wait ends with the task freshly read (and checked as the key's own): no second read.
    const task = (await preferWait(request, reply, input)) ?? (await findOwnTask(deps, input.keyId, input.taskId));
    reply.header('content-language', messageLanguageOf(language));
    return { code: 200, data: renderTask(deps, await taskDetails(deps, task), language) };
  });

  app.post<{ Params: TaskParams }>(api.cancelTask.url, async (request) => {
    const key = await requireKey(deps, request, 'user');
    const task = await cancelTask(deps, { keyId: key.id, taskId: request.params.taskId });
    return { code: 200, data: render(await describeTask(deps, task)) };
  });
}
