import type { components } from './openapi-types.js';
import type { Task } from './types.js';

/** The base of every error the SDK throws. */
export class WangateError extends Error {
  override name = 'WangateError';
}

/**
 * The envelope's machine code, as the server's OpenAPI document lists them; a newer server may send one
 * not listed yet (handle it by the error's status or `type`).
 */
export type ErrorReason = components['schemas']['ErrorReason'] | (string & {});

/** The server answered with an error status. `reason` and `param` come from the error envelope. */
export class APIError extends WangateError {
  override name = 'APIError';
  /** The HTTP status. */
  readonly status: number;
  /** The envelope's `type` (e.g. `invalid_request_error`). */
  readonly type: string | undefined;
  /** The envelope's machine code (stable; e.g. `mixed_media_not_allowed`). */
  readonly reason: ErrorReason | undefined;
  /** The offending field, query parameter or header. */
  readonly param: string | undefined;
  /** The server's request id (`req_…`), for support. */
  readonly requestId: string | undefined;
  readonly headers: Headers;
  /** The parsed body (the envelope), or its text when it was not JSON. */
  readonly body: unknown;

  constructor(status: number, body: unknown, headers: Headers) {
    const envelope = (body as { error?: Record<string, unknown>; request_id?: unknown } | null)?.error;
    const text = typeof body === 'string' && body ? body.slice(0, 500) : undefined;
    const message = typeof envelope?.message === 'string' ? envelope.message : (text ?? `HTTP ${status}`);
    super(`${status} ${message}`);
    this.status = status;
    this.type = typeof envelope?.type === 'string' ? envelope.type : undefined;
    this.reason = typeof envelope?.reason === 'string' ? envelope.reason : undefined;
    this.param = typeof envelope?.param === 'string' ? envelope.param : undefined;
    const requestId = (body as { request_id?: unknown } | null)?.request_id;
    this.requestId = typeof requestId === 'string' ? requestId : (headers.get('x-request-id') ?? undefined);
    this.headers = headers;
    this.body = body;
  }
}

export class BadRequestError extends APIError { override name = 'BadRequestError'; }
export class AuthenticationError extends APIError { override name = 'AuthenticationError'; }
export class PaymentRequiredError extends APIError { override name = 'PaymentRequiredError'; }
export class PermissionDeniedError extends APIError { override name = 'PermissionDeniedError'; }
export class NotFoundError extends APIError { override name = 'NotFoundError'; }
export class ConflictError extends APIError { override name = 'ConflictError'; }
export class GoneError extends APIError { override name = 'GoneError'; }
export class PayloadTooLargeError extends APIError { override name = 'PayloadTooLargeError'; }
export class RateLimitError extends APIError { override name = 'RateLimitError'; }
export class InternalServerError extends APIError { override name = 'InternalServerError'; }

// Classes for the reasons an application typically handles on its own.
export class MixedMediaNotAllowedError extends BadRequestError { override name = 'MixedMediaNotAllowedError'; }
export class InsufficientBalanceError extends PaymentRequiredError { override name = 'InsufficientBalanceError'; }
export class TaskNotFoundError extends NotFoundError { override name = 'TaskNotFoundError'; }
export class IdempotencyKeyReusedError extends ConflictError { override name = 'IdempotencyKeyReusedError'; }
export class TaskNotCancellableError extends ConflictError { override name = 'TaskNotCancellableError'; }
export class ResultExpiredError extends GoneError { override name = 'ResultExpiredError'; }
export class QueueFullError extends RateLimitError { override name = 'QueueFullError'; }

type ApiErrorClass = new (status: number, body: unknown, headers: Headers) => APIError;

const byStatus: Record<number, ApiErrorClass> = {
  400: BadRequestError,
  401: AuthenticationError,
  402: PaymentRequiredError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  410: GoneError,
  413: PayloadTooLargeError,
  429: RateLimitError,
};

// Keyed by the reasons of openapi.json: a reason renamed there fails the typecheck here.
const byReason: Partial<Record<components['schemas']['ErrorReason'], ApiErrorClass>> = {
  mixed_media_not_allowed: MixedMediaNotAllowedError,
  insufficient_balance: InsufficientBalanceError,
  task_not_found: TaskNotFoundError,
  idempotency_key_reused: IdempotencyKeyReusedError,
  task_already_finished: TaskNotCancellableError,
  not_cancellable: TaskNotCancellableError,
  result_expired: ResultExpiredError,
  queue_full: QueueFullError,
};

/** The most specific error class for an answer: by the envelope's reason (if its status agrees), else by status. */
export function errorFromResponse(status: number, body: unknown, headers: Headers): APIError {
  const reason = (body as { error?: { reason?: unknown } } | null)?.error?.reason;
  const statusClass = byStatus[status] ?? (status >= 500 ? InternalServerError : APIError);
  const reasonClass = typeof reason === 'string' ? byReason[reason as keyof typeof byReason] : undefined;
  const Class = reasonClass && reasonClass.prototype instanceof statusClass ? reasonClass : statusClass;
  return new Class(status, body, headers);
}

/** No answer: the connection failed or was cut. */
export class APIConnectionError extends WangateError {
  override name = 'APIConnectionError';
  constructor(message = 'Connection error', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** No answer within the call's `timeout`. */
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = 'APIConnectionTimeoutError';
  constructor(timeoutMs: number) {
    super(`Request timed out after ${timeoutMs} ms`);
  }
}

/** The caller's AbortSignal ended the call. */
export class APIUserAbortError extends WangateError {
  override name = 'APIUserAbortError';
  constructor() {
    super('Request was aborted');
  }
}

/** A wait gave up after `maxWaitMs`; the task itself keeps running. */
export class WaitTimeoutError extends WangateError {
  override name = 'WaitTimeoutError';
  constructor(
    readonly taskId: string,
    readonly lastTask: Task | undefined,
  ) {
    super(`Task ${taskId} had not ended when the wait's time limit passed`);
  }
}

/** generateAndWait: the task ended failed or cancelled. `task.error` says why. */
export class TaskFailedError extends WangateError {
  override name = 'TaskFailedError';
  constructor(readonly task: Task) {
    super(`Task ${task.id} ${task.status}${task.error ? `: ${task.error.message} (${task.error.reason})` : ''}`);
  }
}

/** verifyWebhook: the signature, timestamp or headers do not check out. */
export class WebhookVerificationError extends WangateError {
  override name = 'WebhookVerificationError';
}
