import type { FastifyInstance } from 'fastify';
import { cancelTask } from '../../app/cancel-task.js';
import { createTask } from '../../app/create-task.js';
import type { AppDeps } from '../../app/deps.js';
import { describeTask, getTask } from '../../app/get-task.js';
import { requireKey } from '../auth.js';
import { presentTask } from '../present-task.js';
import { preferWaitHandler } from '../prefer-wait.js';
import { isTerminal } from '../../domain/task.js';

export function registerVideoRoutes(app: FastifyInstance, deps: AppDeps): void {
  const preferWait = preferWaitHandler(app, deps);
  const render = (details: Awaited<ReturnType<typeof getTask>>) =>
    presentTask(details, deps.prices, deps.engines.get(details.task.engine)?.description ?? details.task.engine, deps.clock.nowMs());

  app.post('/v1/videos/generations', async (request, reply) => {
    const key = await requireKey(deps, request, 'user');
    const idem = request.headers['idempotency-key'];
    const { task } = await createTask(deps, { key, body: request.body, ...(typeof idem === 'string' && { idempotencyKey: idem }) });
    // Prefer: wait=N answers once the task ends (or after N s); the shape stays the seed's.
    const waited = await preferWait(request, reply, { keyId: key.id, taskId: task.id });
    return { code: 200, data: [{ status: waited && isTerminal(waited.status) ? waited.status : 'submitted', task_id: task.id }] };
  });

  app.get<{ Params: { taskId: string } }>('/v1/tasks/:taskId', async (request, reply) => {
    const key = await requireKey(deps, request, 'user');
    await preferWait(request, reply, { keyId: key.id, taskId: request.params.taskId });
    return { code: 200, data: render(await getTask(deps, { keyId: key.id, taskId: request.params.taskId })) };
  });

  app.post<{ Params: { taskId: string } }>('/v1/tasks/:taskId/cancel', async (request) => {
    const key = await requireKey(deps, request, 'user');
    const task = await cancelTask(deps, { keyId: key.id, taskId: request.params.taskId });
    return { code: 200, data: render(await describeTask(deps, task)) };
  });
}
