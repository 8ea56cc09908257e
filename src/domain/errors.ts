/** Machine codes of every failure the product reports. The HTTP edge alone maps them to statuses. */
export const errorCodes = {
  invalid_request: 'invalid_request',
  mixed_media_not_allowed: 'mixed_media_not_allowed',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  not_found: 'not_found',
  conflict: 'conflict',
  payload_too_large: 'payload_too_large',
  /** The resource existed but retention deleted it (an expired task result). */
  gone: 'gone',
  range_not_satisfiable: 'range_not_satisfiable',
  precondition_failed: 'precondition_failed',
  payment_required: 'payment_required',
  rate_limited: 'rate_limited',
  internal: 'internal',
  upstream_unavailable: 'upstream_unavailable',
} as const;

export type ErrorCode = keyof typeof errorCodes;

/** The one base error: a machine code, a human message, and where known the offending field. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly param: string | undefined;
  readonly reason: string;
  /** For rate limits: when the client may try again. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, opts: { param?: string; reason?: string; cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.param = opts.param;
    this.reason = opts.reason ?? code;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

export function invalidField(param: string, reason: string, message: string): AppError {
  return new AppError('invalid_request', message, { param, reason });
}
