import type { HttpClient } from './http-client.js';
import { taskPath } from './paths.js';
import { saveContent, downloadContent, type DownloadOptions, type SaveOptions, type SavedContent } from './task-content.js';
import { taskEvents, waitForTask, type RetrievedTask } from './task-wait.js';
import type { RequestOptions, Task, TaskEvent, TaskListPage, TaskListParams, WaitOptions } from './types.js';


/** All tasks matching a filter, page after page, newest first: `for await (const task of client.tasks.list())`. */
export class TaskList implements AsyncIterable<Task> {
  constructor(private readonly fetchPage: (after: string | undefined) => Promise<TaskListPage>, private readonly after: string | undefined) {}

  /** The pages themselves (each with `has_more` and `next_cursor`). */
  async *pages(): AsyncGenerator<TaskListPage> {
    let after = this.after;
    for (;;) {
      const page = await this.fetchPage(after);
      yield page;
      if (!page.has_more || !page.next_cursor) return;
      after = page.next_cursor;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Task> {
    for await (const page of this.pages()) yield* page.data;
  }
}

export class Tasks {
  constructor(private readonly http: HttpClient) {}

  /** GET /v1/tasks/{id}. `waitSeconds` asks the server to answer once the task ends or after that many seconds (Prefer: wait). */
  async retrieve(taskId: string, opts: RequestOptions & { waitSeconds?: number } = {}): Promise<Task> {
    if (opts.waitSeconds) return (await this.retrieveWithHeaders(taskId, opts)).task;
    return this.http.data<Task>({ method: 'GET', path: taskPath(taskId), idempotent: true }, opts);
  }

  /** The task and the answer's headers (Retry-After, Preference-Applied). */
  async retrieveWithHeaders(taskId: string, opts: RequestOptions & { waitSeconds?: number } = {}): Promise<RetrievedTask> {
    const headers: Record<string, string> = opts.waitSeconds ? { prefer: `wait=${Math.ceil(opts.waitSeconds)}` } : {};
    const answer = await this.http.json<{ data: Task }>({ method: 'GET', path: taskPath(taskId), idempotent: true, headers }, opts);
    return { task: answer.body.data, headers: answer.headers };
  }

  /** One page of GET /v1/tasks. */
  async listPage(params: TaskListParams = {}, opts: RequestOptions = {}): Promise<TaskListPage> {
    const { status, ...rest } = params;
    const query = { ...rest, status: Array.isArray(status) ? status.join(',') : status };
    const { body } = await this.http.json<TaskListPage & { code?: number }>({ method: 'GET', path: '/v1/tasks', query, idempotent: true }, opts);
    return { data: body.data, has_more: body.has_more, next_cursor: body.next_cursor };
  }

  /** Every task matching the filter, fetching pages as the iteration goes. */
  list(params: TaskListParams = {}, opts: RequestOptions = {}): TaskList {
    return new TaskList((after) => this.listPage({ ...params, ...(after !== undefined && { after }) }, opts), params.after);
  }

  /** POST /v1/tasks/{id}/cancel: the task after the cancel (409 TaskNotCancellableError once it ended). */
  async cancel(taskId: string, opts: RequestOptions = {}): Promise<Task> {
    return this.http.data<Task>({ method: 'POST', path: taskPath(taskId, '/cancel'), idempotent: true }, opts);
  }

  /** The task's Server-Sent Events: its current state at once, then every change, until it ends or the connection closes. */
  events(taskId: string, opts: RequestOptions = {}): AsyncGenerator<TaskEvent> {
    return taskEvents(this.http, taskId, opts);
  }

  /** Resolves with the task once it ended (completed, failed or cancelled): events first, polling when they are not available. */
  wait(taskId: string, opts: RequestOptions & WaitOptions = {}): Promise<Task> {
    return waitForTask(this.http, (o) => this.retrieveWithHeaders(taskId, o), taskId, opts);
  }

  /** The MP4 as a Response (its body unread); `range` asks for part of it (206). */
  downloadContent(taskId: string, opts: DownloadOptions = {}): Promise<Response> {
    return downloadContent(this.http, (o) => this.retrieve(taskId, o), taskId, opts);
  }

  /** Node: streams the MP4 to `path` (through `path.part`, resumed with Range after a cut or a restart). */
  saveContent(taskId: string, path: string, opts: SaveOptions = {}): Promise<SavedContent> {
    return saveContent((o) => this.downloadContent(taskId, o), path, { maxRetries: this.http.maxRetries, ...opts });
  }
}
