import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app/deps.js';
import type { TaskDetails } from '../../app/get-task.js';
import { listTasks, type ListTasksDeps } from '../../app/list-tasks.js';
import { resultExpired, taskContent } from '../../app/task-content.js';
import { clipEcho } from '../../domain/clip-echo.js';
import { invalidField } from '../../domain/errors.js';
import { taskStatuses, type TaskStatus } from '../../domain/task.js';
import { requireKey, type AuthDeps } from '../auth.js';
import { api } from '../openapi/api-catalogue.js';
import type { TaskParams } from '../openapi/request-schemas.js';
import { parseInput } from '../query-schemas.js';
import { renderTask, type RenderTaskDeps } from '../../present/render-task.js';
import { deliverBlob } from '../send-blob.js';

const statuses: readonly TaskStatus[] = taskStatuses;

const listQuerySchema = api.listTasks.request.query;
const listKeys = Object.keys(listQuerySchema.shape);

function parseStatuses(value: string | string[] | undefined): TaskStatus[] | undefined {
  if (value === undefined) return undefined;
  const wanted = [value].flat().flatMap((v) => v.split(',')).map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const s of wanted) {
    if (!statuses.includes(s as TaskStatus)) {
      throw invalidField('status', 'invalid_value', `status: unknown status '${clipEcho(s)}' (expected ${statuses.join(', ')})`);
    }
  }
  return wanted.length > 0 ? [...new Set(wanted as TaskStatus[])] : undefined;
}

/** Listing the caller's tasks, and downloading a task's MP4 with the API key (Range, ETag). */
export function registerTaskQueryRoutes(app: FastifyInstance, deps: AuthDeps & ListTasksDeps & RenderTaskDeps & Pick<AppDeps, 'blobs' | 'delivery'>): void {
  app.get(api.listTasks.url, async (request) => {
    const key = await requireKey(deps, request, 'user');
    const query = (request.query ?? {}) as Record<string, unknown>;
    const unknown = Object.keys(query).filter((k) => !listKeys.includes(k));
    if (unknown.length > 0) {
      const names = clipEcho(unknown.map((k) => `'${k}'`).join(', '));
      throw invalidField(clipEcho(unknown[0]!), 'unknown_field', `Unknown query parameter${unknown.length > 1 ? 's' : ''}: ${names} (expected ${listKeys.join(', ')})`);
    }
    const q = parseInput(listQuerySchema, query);
    if (q.from !== undefined && q.to !== undefined && q.to <= q.from) {
      throw invalidField('to', 'invalid_value', "to: must be later than 'from' (tasks with from <= created < to are listed)");
    }
    const wanted = parseStatuses(q.status);
    const page = await listTasks(deps, {
      keyId: key.id,
      limit: q.limit,
      ...(wanted && { statuses: wanted }),
      ...(q.from !== undefined && { createdFromMs: q.from * 1000 }),
      ...(q.to !== undefined && { createdToMs: q.to * 1000 }),
      ...(q.after !== undefined && { afterId: q.after }),
    });
    return { code: 200, data: page.tasks.map((d: TaskDetails) => renderTask(deps, d)), has_more: page.hasMore, next_cursor: page.nextCursor };
  });

  app.get<{ Params: TaskParams }>(api.getTaskContent.url, async (request, reply) => {
    const key = await requireKey(deps, request, 'user');
    const { task, blobKey } = await taskContent(deps, { keyId: key.id, taskId: request.params.taskId });
    return deliverBlob(request, reply, deps, blobKey, {
      contentType: 'video/mp4',
      cacheControl: 'private, no-cache',
      filename: `${task.id}.mp4`,
      missing: () => resultExpired(task),
    });
  });
}
