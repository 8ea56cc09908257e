import { AppError } from './errors.js';

/** Object storage failed (network, 5xx, timeout): worth retrying. The cause is for logs, not for clients. */
export function storageUnavailable(cause?: unknown): AppError {
  const error = new AppError('upstream_unavailable', 'Object storage is unavailable; try again later', { reason: 'storage_unavailable' });
  if (cause !== undefined) error.cause = cause;
  return error;
}
