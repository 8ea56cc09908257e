import type { z } from 'zod';
import type { ErrorCode } from '../domain/errors.js';
import type { errorTypeEnum } from './response-schemas.js';

type ErrorType = z.output<typeof errorTypeEnum>;

/**
 * The one place that knows HTTP statuses: machine code -> status and the spec's error type. The error
 * envelope and a failed task's `error` (in responses, webhooks and event streams) both use it.
 */
const statusOf: Record<ErrorCode, [number, ErrorType]> = {
  invalid_request: [400, 'invalid_request_error'],
  mixed_media_not_allowed: [400, 'invalid_request_error'],
  unauthorized: [401, 'authentication_error'],
  payment_required: [402, 'payment_required'],
  forbidden: [403, 'permission_error'],
  not_found: [404, 'not_found_error'],
  conflict: [409, 'conflict_error'],
  payload_too_large: [413, 'invalid_request_error'],
  gone: [410, 'not_found_error'],
  range_not_satisfiable: [416, 'invalid_request_error'],
  precondition_failed: [412, 'invalid_request_error'],
  rate_limited: [429, 'rate_limit_error'],
  internal: [500, 'server_error'],
  upstream_unavailable: [503, 'service_unavailable'],
  request_timeout: [408, 'invalid_request_error'],
  headers_too_large: [431, 'invalid_request_error'],
};

export function httpStatusOf(code: string): [number, ErrorType] {
  return statusOf[code as ErrorCode] ?? [500, 'server_error'];
}
