import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AppError, type ErrorCode } from '../domain/errors.js';
import type { errorEnvelopeSchema, errorTypeEnum } from './openapi/response-schemas.js';

type ErrorType = z.output<typeof errorTypeEnum>;

/** The one place that knows HTTP statuses: machine code -> status and the spec's error type. */
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
};

export function httpStatusOf(code: string): [number, ErrorType] {
  return statusOf[code as ErrorCode] ?? [500, 'server_error'];
}

/** Framework errors caused by the client (bad JSON, wrong content type, too large) are 4xx, never 500. */
function fromFrameworkError(err: FastifyError): AppError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'Request body is too large', { param: 'body', reason: 'body_too_large' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('invalid_request', 'Content-Type must be application/json', { param: 'body', reason: 'unsupported_content_type' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_request', 'Request body is empty; send a JSON object', { param: 'body', reason: 'required' });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('invalid_request', 'Content-Length does not match the body', { param: 'body', reason: 'invalid_content_length' });
  }
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new AppError('invalid_request', `Body is not valid JSON: ${err.message}`, { param: 'body', reason: 'invalid_json' });
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new AppError('invalid_request', err.message, { param: 'body', reason: 'bad_request' });
  }
  return null;
}

export function sendError(reply: FastifyReply, request: FastifyRequest, err: AppError): FastifyReply {
  const [status, type] = httpStatusOf(err.code);
  if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
  const body: z.input<typeof errorEnvelopeSchema> = {
    error: { code: status, type, message: err.message, ...(err.param && { param: err.param }), reason: err.reason },
    request_id: request.id,
  };
  return reply.code(status).send(body);
}

export function handleError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appError = err instanceof AppError ? err : fromFrameworkError(err);
  if (appError) return sendError(reply, request, appError);
  request.log.error({ err }, 'unhandled error');
  return sendError(reply, request, new AppError('internal', 'Internal server error', { reason: 'internal' }));
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendError(reply, request, new AppError('not_found', `No route ${request.method} ${request.url.split('?')[0]}`, { reason: 'route_not_found' }));
}
