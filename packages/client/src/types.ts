import type { components, operations } from './openapi-types.js';

/**
 * The public types of the SDK: aliases of the types generated from the server's openapi.json
 * (openapi-types.ts), so a change of the API shows up here as a compile error, never as silent drift.
 */
type Schemas = components['schemas'];

/** A generation task, as GET /v1/tasks/{id} shows it (also the data of events and webhooks). */
export type Task = Schemas['Task'];
export type TaskStatus = Task['status'];
export type TaskMode = Task['mode'];
export type TaskListPage = Omit<Schemas['TaskListReply'], 'code'>;
/** What create answers: the task id and `submitted` (or a terminal status). */
export type SubmittedTask = { id: string; status: Schemas['CreateGenerationReply']['data'][number]['status'] };

/** An uploaded file (named FileObject so it does not shadow the platform's File). */
export type FileObject = Schemas['File'];
export type Usage = Schemas['Usage'];
export type Key = Schemas['Key'];
export type OwnKey = Schemas['OwnKeyReply']['data'];
export type CreatedKey = Schemas['CreatedKeyReply']['data'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type ErrorEnvelope = Schemas['ErrorEnvelope'];

export type CreateKeyParams = Schemas['CreateKeyRequest'];
export type UpdateKeyParams = Schemas['UpdateKeyRequest'];
export type CreditParams = Schemas['CreditRequest'];
export type UsageListParams = NonNullable<operations['getOwnUsage']['parameters']['query']>;

type ListQuery = NonNullable<operations['listTasks']['parameters']['query']>;
/** Filters of GET /v1/tasks; `status` may be one status or several. */
export type TaskListParams = Omit<ListQuery, 'status'> & { status?: TaskStatus | TaskStatus[] };

/**
 * A local input that the SDK uploads (POST /v1/files) before the create, in place of a URL: bytes
 * (Uint8Array, a Node Buffer, ArrayBuffer), a Blob or File, or a stream of bytes.
 */
export type Uploadable = Blob | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;
/** A media field: a URL (http(s), a /v1/files URL or a data: URI) or a local input to upload. */
export type MediaInput = string | Uploadable;

type CreateRequest = Schemas['CreateGenerationRequest'];
type ImageWithRole = NonNullable<CreateRequest['image_with_roles']>[number];

/** The create request (the seed's fields), where every media field may also be a local input. */
export type GenerateParams = Omit<CreateRequest, 'image_urls' | 'image_with_roles' | 'video_urls' | 'audio_url' | 'resolution'> & {
  /** 1 = first frame; 2 = first + last frame. */
  image_urls?: MediaInput[];
  image_with_roles?: (Omit<ImageWithRole, 'url'> & { url: MediaInput })[];
  /** Continuation: only the first is used. */
  video_urls?: MediaInput[];
  audio_url?: MediaInput;
  resolution?: '720P' | '1080P' | '720p' | '1080p';
};

/** Options every call accepts. */
export interface RequestOptions {
  /** Milliseconds one attempt may take until the answer (default: the client's, 60 s). */
  timeout?: number;
  /** Aborts the call (and its retries); the SDK then throws APIUserAbortError. */
  signal?: AbortSignal;
  /** Retries on connection errors, 408, 429 and 5xx (default: the client's, 2). */
  maxRetries?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** For creates: the Idempotency-Key to send (default: a new random one per call, kept across its retries). */
  idempotencyKey?: string;
}

/** How a wait reports and ends. */
export interface WaitOptions {
  /** Called with the task on every change seen (status, progress, queue position). */
  onProgress?: (task: Task) => void;
  /** Give up after this many milliseconds (WaitTimeoutError); the task keeps running. Default: no limit. */
  maxWaitMs?: number;
}

/** A Server-Sent Event of GET /v1/tasks/{id}/events: its name (`pending`, `processing`, `progress`, a terminal status) and the task. */
export interface TaskEvent {
  event: string;
  task: Task;
}

/** What a webhook delivers (Standard Webhooks envelope). */
export interface WebhookEvent {
  type: 'task.completed' | 'task.failed' | 'task.cancelled';
  /** ISO 8601. */
  timestamp: string;
  data: Task;
}

export const terminalStatuses: readonly string[] = ['completed', 'failed', 'cancelled'];

/** Whether a task has ended (an unknown status is treated as still running, as the API asks). */
export function isTerminal(status: string): boolean {
  return terminalStatuses.includes(status);
}
