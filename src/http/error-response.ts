import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { clipEcho } from '../domain/clip-echo.js';
import { AppError } from '../domain/errors.js';
import { httpStatusOf } from '../present/error-status.js';
import type { errorEnvelopeSchema } from '../present/response-schemas.js';

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
    // The router's own refusals (see frameworkErrors): answered in the envelope, the path cut short.
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('invalid_request', `A path segment is too long: ${clipEcho(err.message)}`, { param: 'path', reason: 'path_segment_too_long' });
    case 'FST_ERR_BAD_URL':
      return new AppError('invalid_request', `The path is not a valid URL: ${clipEcho(err.message)}`, { param: 'path', reason: 'invalid_path' });
  }
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new AppError('invalid_request', `Body is not valid JSON: ${clipEcho(err.message)}`, { param: 'body', reason: 'invalid_json' });
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new AppError('invalid_request', clipEcho(err.message), { param: 'body', reason: 'bad_request' });
  }
  return null;
}

export function sendError(reply: FastifyReply, request: FastifyRequest, err: AppError): FastifyReply {
  const [status, type] = httpStatusOf(err.code);
  if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
  const body: z.input<typeof errorEnvelopeSchema> = {
    error: { code: status, type, message: err.message, ...(err.param && { param: clipEcho(err.param) }), reason: err.reason },
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
  return sendError(reply, request, new AppError('not_found', `No route ${request.method} ${clipEcho(request.url.split('?')[0]!)}`, { reason: 'route_not_found' }));
}

