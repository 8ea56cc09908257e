import { describe, expect, it } from 'vitest';
import { classifyHttpError, classifyNetworkError, classifyTaskFailure } from './errors.js';

describe('classifyHttpError', () => {
  it('backs off on 429 Throttling, honouring Retry-After', () => {
    expect(classifyHttpError('create', { httpStatus: 429, code: 'Throttling.RateQuota', message: 'slow down', retryAfter: '3' })).toMatchObject({ kind: 'throttled', retryAfterMs: 3000 });
    expect(classifyHttpError('query', { httpStatus: 429, code: 'Throttling' })).toMatchObject({ kind: 'throttled', retryAfterMs: 2000 });
  });
  it('fails at once on bad parameters and moderation, keeping the upstream message', () => {
    expect(classifyHttpError('create', { httpStatus: 400, code: 'InvalidParameter', message: 'duration must be 2..15' })).toEqual({
      kind: 'permanent',
      reason: 'upstream_invalid_parameter',
      code: 'InvalidParameter',
      message: 'duration must be 2..15',
    });
    expect(classifyHttpError('create', { httpStatus: 400, code: 'DataInspectionFailed', message: 'inappropriate' })).toMatchObject({ kind: 'permanent', reason: 'content_moderation' });
  });
  it('sets a channel aside on a bad key or arrears (refusals prove nothing was created)', () => {
    expect(classifyHttpError('create', { httpStatus: 401, code: 'InvalidApiKey' })).toMatchObject({ kind: 'channel_broken', reason: 'upstream_invalid_api_key' });
    expect(classifyHttpError('create', { httpStatus: 400, code: 'Arrearage' })).toMatchObject({ kind: 'channel_broken', reason: 'upstream_arrearage' });
    expect(classifyHttpError('query', { httpStatus: 401, code: 'InvalidApiKey' })).toMatchObject({ kind: 'channel_broken' });
  });
  it('retries an upstream 500 that answered with its own error body; a bare gateway error on create is of unknown outcome', () => {
    expect(classifyHttpError('create', { httpStatus: 500, code: 'InternalError', message: 'x' })).toMatchObject({ kind: 'transient' });
    expect(classifyHttpError('create', { httpStatus: 502 })).toMatchObject({ kind: 'unknown_outcome' });
    expect(classifyHttpError('create', { httpStatus: 504, code: 'GatewayTimeout' })).toMatchObject({ kind: 'unknown_outcome' });
    expect(classifyHttpError('query', { httpStatus: 502 })).toMatchObject({ kind: 'transient' });
  });
});

describe('classifyNetworkError', () => {
  it('a create cut or timed out after sending has an unknown outcome; before sending, or any query, is transient', () => {
    expect(classifyNetworkError('create', true, 'socket hang up').kind).toBe('unknown_outcome');
    expect(classifyNetworkError('create', false, 'ECONNREFUSED').kind).toBe('transient');
    expect(classifyNetworkError('query', true, 'socket hang up').kind).toBe('transient');
  });
});

describe('classifyTaskFailure', () => {
  it('moderation and parameter failures are final; an internal error may be retried with a new create', () => {
    expect(classifyTaskFailure('DataInspectionFailed', 'bad')).toMatchObject({ retryable: false, reason: 'content_moderation', code: 'invalid_request' });
    expect(classifyTaskFailure('InvalidParameter.Duration', 'x')).toMatchObject({ retryable: false, reason: 'upstream_invalid_parameter' });
    expect(classifyTaskFailure('InternalError', 'boom')).toMatchObject({ retryable: true, reason: 'upstream_failed', message: 'The upstream task failed (InternalError: boom)' });
  });
});
