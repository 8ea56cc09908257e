import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { z } from 'zod';
import { clipEcho } from '../domain/clip-echo.js';
import { AppError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
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

/**
 * Connection-level refusals, before any route runs (a request or its headers too slow, headers too
 * large, unparsable HTTP): the envelope written straight to the socket, which is then closed.
 */
export function handleClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const refusal =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new AppError('request_timeout', 'The request did not arrive in time (HTTP_REQUEST_TIMEOUT_MS, HTTP_HEADERS_TIMEOUT_MS)', { reason: 'request_timeout' })
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? new AppError('headers_too_large', 'The request headers are too large', { reason: 'headers_too_large' })
        : new AppError('invalid_request', 'The request is not valid HTTP', { reason: 'bad_request' });
  const [status, type] = httpStatusOf(refusal.code);
  const body: z.input<typeof errorEnvelopeSchema> = { error: { code: status, type, message: refusal.message, reason: refusal.reason }, request_id: newId('req') };
  const text = JSON.stringify(body);
  if (socket.writable) {
    const head = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nContent-Type: application/json\r\nConnection: close`;
    socket.write(`${head}\r\n\r\n${text}`);
  }
  socket.destroy(err);
}
