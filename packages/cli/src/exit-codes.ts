import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  PermissionDeniedError,
  TaskFailedError,
  WaitTimeoutError,
} from '@wangate/client';

/** The CLI's exit codes (stable: scripts rely on them). */
export const exitCodes = {
  done: 0,
  /** The task failed or was cancelled, or the API refused the call for another reason. */
  failed: 1,
  usage: 2,
  auth: 3,
  timeout: 4,
  network: 5,
  /** Ctrl-C; the task keeps running (unless --cancel-on-interrupt). */
  interrupted: 130,
} as const;

/** A bad command line: unknown flag, missing argument, a file that does not exist. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** No key anywhere: an authentication problem (exit 3), said plainly. */
export class NoKeyError extends Error {
  override name = 'NoKeyError';
  constructor() {
    super('no API key: set WANGATE_API_KEY, or run `wangate login` once');
  }
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof NoKeyError) return exitCodes.auth;
  if (error instanceof UsageError || error instanceof BadRequestError) return exitCodes.usage;
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) return exitCodes.auth;
  if (error instanceof APIConnectionTimeoutError || error instanceof WaitTimeoutError) return exitCodes.timeout;
  if (error instanceof APIConnectionError) return exitCodes.network;
  if (error instanceof APIError && error.status >= 500) return exitCodes.network;
  if (error instanceof APIUserAbortError) return exitCodes.interrupted;
  if (error instanceof TaskFailedError || error instanceof APIError) return exitCodes.failed;
  return exitCodes.failed;
}

/** One line for a person: the message, and for API errors the machine reason, the field and the request id. */
export function describeError(error: unknown): string {
  if (error instanceof APIError) {
    const details = [error.reason, error.param && `param: ${error.param}`, error.requestId].filter(Boolean).join(', ');
    return details ? `${error.message} (${details})` : error.message;
  }
  if (error instanceof APIConnectionError && !(error instanceof APIConnectionTimeoutError)) {
    const cause = (error.cause as { cause?: { code?: string; message?: string } } | undefined)?.cause;
    const detail = cause?.code ?? cause?.message;
    return detail ? `${error.message} (${detail})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
