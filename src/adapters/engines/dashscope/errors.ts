/**
 * Upstream errors -> what to do about them. Pure.
 *
 * Source: https://www.alibabacloud.com/help/en/model-studio/developer-reference/error-code (status codes:
 * 400 InvalidParameter, 400 DataInspectionFailed, 400 Arrearage, 401 InvalidApiKey, 429 Throttling*,
 * 500 InternalError ...) and the product's API contract section 5.
 *
 * - throttled: back off and try later; nothing was created.
 * - permanent: the request itself is refused (bad parameters, moderation): fail at once, never retry.
 * - channel_broken: this key/account cannot serve anyone now (bad key, arrears, model not open): mark the
 *   channel unhealthy for a while; another channel may take the task, since the refusal proves nothing
 *   was created.
 * - transient: try again later (5xx with an answer, network before the request left).
 * - unknown_outcome: a create that may or may not have been accepted (cut or timed out after sending,
 *   or a gateway error in front of the upstream): never resubmitted blindly, reconciled instead.
 *
 * The upstream's codes are never our reasons: each maps to a catalogued reason (domain/errors.ts) and stays
 * readable in the message.
 *
 * Checked against recorded answers (test/fixtures/dashscope): "Model not exist." comes as HTTP 404 and as
 * 400, both with code InvalidParameter; our model names are fixed, so either means this channel's region
 * or workspace lacks the model. Bad input on the video route (missing media, an undownloadable URL, a bad
 * size) is accepted at create and comes back as a FAILED task with code InvalidParameter.
 */
import type { ReasonOf } from '../../../domain/errors.js';
import type { UpstreamFailure } from '../upstream/upstream-call-error.js';
import { unreadableReplyCode } from './from-upstream.js';

export type Phase = 'create' | 'query' | 'list' | 'cancel';

export interface HttpProblem {
  httpStatus: number;
  /** The upstream's machine code, when the body had one (its absence suggests a proxy, not DashScope). */
  code?: string;
  message?: string;
  /** Retry-After header, seconds or an HTTP date. */
  retryAfter?: string;
}

/** How long a 429 without Retry-After pauses creates on its channel, unless the engine is told otherwise. */
const defaultThrottleMs = 2000;

function retryAfterMs(header: string | undefined, nowMs: number, defaultMs: number): number {
  if (!header) return defaultMs;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(300_000, Math.max(250, seconds * 1000));
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.min(300_000, Math.max(250, at - nowMs)) : defaultMs;
}

const moderation = /^(DataInspectionFailed|DataInspection|IPInfringementSuspect|InappropriateContent)/i;
const badInput = /^(InvalidParameter|BadRequest|InvalidURL|InvalidFile|InvalidImage|InvalidVideo|InvalidAudio|InvalidInput|ParameterInvalid)/i;
const modelMissing = /^Model not exist/i;
/** The upstream could not download a medium (wan2.7-r2v and -videoedit name it so). */
const mediaUnreachable = /^InvalidParameter\.DataInspection/i;
const mediaHint = ': the upstream could not download a medium; media URLs must be publicly reachable (uploaded files need PUBLIC_BASE_URL)';
const brokenKey = /^(InvalidApiKey|Arrearage|AccessDenied|Unauthorized|ModelNotFound|Model\.AccessDenied|NoPermission|Forbidden|WorkspaceAccessDenied)/i;

/** An HTTP answer that is not 2xx. */
export function classifyHttpError(phase: Phase, p: HttpProblem, nowMs = Date.now(), throttleMs = defaultThrottleMs): UpstreamFailure {
  const code = p.code ?? `HTTP${p.httpStatus}`;
  const message = p.message ?? `the upstream answered HTTP ${p.httpStatus}`;
  if (p.httpStatus === 429 || /^Throttling/i.test(code)) {
    return { kind: 'throttled', retryAfterMs: retryAfterMs(p.retryAfter, nowMs, throttleMs), code, message };
  }
  if (/^Arrearage/i.test(code)) return { kind: 'channel_broken', reason: 'upstream_arrearage', code, message };
  if (p.httpStatus === 401 || /^InvalidApiKey/i.test(code)) return { kind: 'channel_broken', reason: 'upstream_invalid_api_key', code, message };
  if (p.httpStatus === 403 || brokenKey.test(code)) return { kind: 'channel_broken', reason: 'upstream_access_denied', code, message };
  if (phase === 'create' && modelMissing.test(p.message ?? '')) return { kind: 'channel_broken', reason: 'upstream_not_found', code, message, modelOnly: true };
  if (mediaUnreachable.test(code)) return { kind: 'permanent', reason: 'upstream_invalid_parameter', code, message: `${message}${mediaHint}` };
  if (moderation.test(code)) return { kind: 'permanent', reason: 'content_moderation', code, message };
  if (p.httpStatus === 404 && phase === 'create') return { kind: 'channel_broken', reason: 'upstream_not_found', code, message };
  if (p.httpStatus >= 400 && p.httpStatus < 500) {
    if (phase !== 'create') return { kind: 'transient', code, message };
    return { kind: 'permanent', reason: badInput.test(code) ? 'upstream_invalid_parameter' : 'upstream_bad_request', code, message };
  }
  // 5xx. DashScope's own error body ({code, message}) is an explicit refusal: nothing was created. A bare
  // 502/504 may come from a proxy that gave up while the upstream still worked on the create.
  if (phase === 'create' && (p.code === undefined || p.httpStatus === 502 || p.httpStatus === 504)) {
    return { kind: 'unknown_outcome', code, message: `${message} (the create may or may not have been accepted)` };
  }
  return { kind: 'transient', code, message };
}

/** A request that got no HTTP answer. `sent`: the request had fully left before the failure. */
export function classifyNetworkError(phase: Phase, sent: boolean, message: string): UpstreamFailure {
  if (phase === 'create' && sent) {
    return { kind: 'unknown_outcome', code: 'network', message: `${message} after the create was sent: it may or may not have been accepted` };
  }
  return { kind: 'transient', code: 'network', message };
}

/** How a FAILED upstream task fails our task. */
export interface TaskFailureVerdict {
  /** Retrying means a new create: allowed, because this upstream task provably ended. */
  retryable: boolean;
  code: 'invalid_request' | 'upstream_unavailable';
  reason: ReasonOf<'invalid_request' | 'upstream_unavailable'>;
  message: string;
}

export function classifyTaskFailure(upstreamCode: string | undefined, upstreamMessage: string | undefined): TaskFailureVerdict {
  if (upstreamCode === unreadableReplyCode) {
    // The task may still run upstream: a new create could pay twice, so it is not retried.
    return { retryable: false, code: 'upstream_unavailable', reason: 'bad_upstream_reply', message: `The upstream's answers about this task could not be read: ${upstreamMessage ?? 'no detail'}` };
  }
  const code = upstreamCode ?? 'UnknownError';
  const detail = upstreamMessage ? `${code}: ${upstreamMessage}` : code;
  if (moderation.test(code)) {
    return { retryable: false, code: 'invalid_request', reason: 'content_moderation', message: `The upstream refused the content (${detail})` };
  }
  if (modelMissing.test(upstreamMessage ?? '')) {
    return { retryable: false, code: 'upstream_unavailable', reason: 'model_not_available', message: `The upstream does not serve this model here (${detail})` };
  }
  if (mediaUnreachable.test(code)) {
    return { retryable: false, code: 'invalid_request', reason: 'upstream_invalid_parameter', message: `The upstream refused the request (${detail})${mediaHint}` };
  }
  if (badInput.test(code)) {
    return { retryable: false, code: 'invalid_request', reason: 'upstream_invalid_parameter', message: `The upstream refused the request (${detail})` };
  }
  return { retryable: true, code: 'upstream_unavailable', reason: 'upstream_failed', message: `The upstream task failed (${detail})` };
}
