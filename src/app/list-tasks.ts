import type { TaskStatus } from '../domain/task.js';
import type { AppDeps } from './deps.js';
import { describeTask, type DescribeTaskDeps, type TaskDetails } from './get-task.js';

export type ListTasksDeps = DescribeTaskDeps & Pick<AppDeps, 'tasks'>;

export interface ListTasksInput {
  keyId: string;
  statuses?: TaskStatus[];
  /** Created at or after (inclusive). */
  createdFromMs?: number;
  /** Created before (exclusive). */
  createdToMs?: number;
  /** Cursor: tasks older than this task id. */
  afterId?: string;
  limit: number;
}

export interface TaskPage {
  tasks: TaskDetails[];
  hasMore: boolean;
  /** The id to pass as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** One page of the caller's own tasks, newest first (ids are time-sortable ULIDs). */
export async function listTasks(deps: ListTasksDeps, input: ListTasksInput): Promise<TaskPage> {
  const rows = await deps.tasks.listTasks({
    keyId: input.keyId,
    limit: input.limit + 1,
    ...(input.statuses && { statuses: input.statuses }),
    ...(input.createdFromMs !== undefined && { createdFromMs: input.createdFromMs }),
    ...(input.createdToMs !== undefined && { createdToMs: input.createdToMs }),
    ...(input.afterId !== undefined && { beforeId: input.afterId }),
  });
  const page = rows.slice(0, input.limit);
  const hasMore = rows.length > input.limit;
  return {
    tasks: await Promise.all(page.map((t) => describeTask(deps, t))),
    hasMore,
    nextCursor: hasMore ? page[page.length - 1]!.id : null,
  };
}
