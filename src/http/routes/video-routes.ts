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
import { isTerminal } from '../../domain/task.js';

type VideoRouteDeps = AuthDeps & CreateTaskDeps & WaitForTaskDeps & TaskDetailsDeps & CancelTaskDeps & RenderTaskDeps;

export function registerVideoRoutes(app: FastifyInstance, deps: VideoRouteDeps): void {
  const preferWait = preferWaitHandler(app, deps);
  const render = (details: TaskDetails) => renderTask(deps, details);

  // The body is validated by createTask with the domain's createRequestSchema (the catalogue's body schema).
  app.post(api.createGeneration.url, async (request, reply) => {
    const key = await requireKey(deps, request, 'user');
    const idempotencyKey = readIdempotencyKey(request.headers['idempotency-key']);
    const { task } = await createTask(deps, { key, body: request.body, ...(idempotencyKey !== undefined && { idempotencyKey }) });
    // Prefer: wait=N answers once the task ends (or after N s); the shape stays the seed's.
    const waited = await preferWait(request, reply, { keyId: key.id, taskId: task.id });
    return { code: 200, data: [{ status: waited && isTerminal(waited.status) ? waited.status : 'submitted', task_id: task.id }] };
  });

  app.get<{ Params: TaskParams }>(api.getTask.url, async (request, reply) => {
    const key = await requireKey(deps, request, 'user');
    const input = { keyId: key.id, taskId: request.params.taskId };
    // A wait ends with the task freshly read (and checked as the key's own): no second read.
    const task = (await preferWait(request, reply, input)) ?? (await findOwnTask(deps, input.keyId, input.taskId));
    return { code: 200, data: render(await taskDetails(deps, task)) };
  });

  app.post<{ Params: TaskParams }>(api.cancelTask.url, async (request) => {
    const key = await requireKey(deps, request, 'user');
    const task = await cancelTask(deps, { keyId: key.id, taskId: request.params.taskId });
    return { code: 200, data: render(await describeTask(deps, task)) };
  });
}
