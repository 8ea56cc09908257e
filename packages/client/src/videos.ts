import { TaskFailedError } from './errors.js';
import type { Files } from './files.js';
import type { HttpClient } from './http-client.js';
import type { Tasks } from './tasks.js';
import type { GenerateParams, RequestOptions, SubmittedTask, Task, WaitOptions } from './types.js';
import { resolveMediaInputs } from './uploads.js';

interface CreateReply {
  data: { task_id: string; status: SubmittedTask['status'] }[];
}

/** A fresh Idempotency-Key (randomUUID needs a secure context in browsers; random bytes do not). */
function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export class Videos {
  constructor(
    private readonly http: HttpClient,
    private readonly files: Files,
    private readonly tasks: Tasks,
  ) {}

  /**
   * POST /v1/videos/generations: uploads local inputs, then creates the task with an Idempotency-Key
   * kept across retries, so a retried create never makes a second task.
   */
  async generate(params: GenerateParams, opts: RequestOptions = {}): Promise<SubmittedTask> {
    const uploadOpts = { ...(opts.signal && { signal: opts.signal }), ...(opts.timeout !== undefined && { timeout: opts.timeout }) };
    const body = await resolveMediaInputs(params, async (input) => (await this.files.upload(input, uploadOpts)).url);
    const idempotencyKey = opts.idempotencyKey ?? newIdempotencyKey();
    const { body: reply } = await this.http.json<CreateReply>(
      { method: 'POST', path: '/v1/videos/generations', json: body, idempotent: true, idempotencyKey },
      opts,
    );
    const entry = reply.data[0]!;
    return { id: entry.task_id, status: entry.status };
  }

  /** generate, then wait until the task ends: the completed task, or TaskFailedError when it failed or was cancelled. */
  async generateAndWait(params: GenerateParams, opts: RequestOptions & WaitOptions = {}): Promise<Task> {
    const { id } = await this.generate(params, opts);
    const task = await this.tasks.wait(id, opts);
    if (task.status !== 'completed') throw new TaskFailedError(task);
    return task;
  }
}
